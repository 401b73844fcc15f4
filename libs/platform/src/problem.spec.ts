import { NotFoundException } from '@nestjs/common';
import { DomainError, RequestValidationError, toProblem } from './problem.js';

describe('toProblem', () => {
  it('maps a domain error by kind and keeps its code', () => {
    const problem = toProblem(new DomainError('conflict', 'lead.step_skipped', 'Cannot skip'));
    expect(problem).toMatchObject({ status: 409, code: 'lead.step_skipped', detail: 'Cannot skip' });
  });

  it('lists field errors of a validation failure', () => {
    const problem = toProblem(new RequestValidationError([{ field: 'customerPhone', message: 'invalid' }]));
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([{ field: 'customerPhone', message: 'invalid' }]);
  });

  it('keeps HTTP exceptions as they are', () => {
    expect(toProblem(new NotFoundException('Lead not found'))).toMatchObject({ status: 404, detail: 'Lead not found' });
  });

  it('maps a lost database connection to 503', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(toProblem(error).status).toBe(503);
  });

  it('hides unexpected errors behind a 500 with an errorId', () => {
    const problem = toProblem(new TypeError('x is undefined'));
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('undefined');
    expect(problem.errorId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
