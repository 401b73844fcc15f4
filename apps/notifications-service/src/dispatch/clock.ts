import { Injectable } from '@nestjs/common';

/** The time, injected so that tests can move it (quiet hours, backoff). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
