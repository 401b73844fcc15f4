import { DomainError } from '#platform/problem';
import { parseLeadCsv, toCreateLeadDto } from './csv-rows.js';

describe('parseLeadCsv', () => {
  it('reads quoted cells, a BOM and blank lines', () => {
    const csv = '\uFEFFcustomerName,customerPhone,addressLine1,city,state,pincode,sourceId\n"Rao, Asha",98123 45678,"1 MG Rd",Pune,MH,411001,3\n\n';
    expect(parseLeadCsv(Buffer.from(csv))).toEqual([
      { customerName: 'Rao, Asha', customerPhone: '98123 45678', addressLine1: '1 MG Rd', city: 'Pune', state: 'MH', pincode: '411001', sourceId: '3' },
    ]);
  });

  it('names unknown and missing columns', () => {
    try {
      parseLeadCsv(Buffer.from('customerName,shoeSize\nA,9\n'));
      throw new Error('accepted');
    } catch (error) {
      const fields = (error as DomainError).errors.map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['file.shoeSize', 'file.customerPhone', 'file.sourceId']));
    }
  });
});

describe('toCreateLeadDto', () => {
  it('turns numeric cells into numbers and leaves empty cells out', async () => {
    const { dto, errors } = await toCreateLeadDto({
      customerName: 'A', customerPhone: '9812345678', addressLine1: 'x', city: 'Pune', state: 'MH', pincode: '411001',
      sourceId: '3', latitude: '18.5', longitude: '', customerEmail: '',
    });
    expect(errors).toEqual([]);
    expect(dto).toMatchObject({ sourceId: 3, latitude: 18.5 });
    expect(dto.longitude).toBeUndefined();
  });

  it('applies the DTO rules', async () => {
    const { errors } = await toCreateLeadDto({ customerName: 'A', sourceId: 'three', pincode: '1' });
    expect(errors.map((e) => e.field)).toEqual(expect.arrayContaining(['sourceId', 'pincode', 'customerPhone', 'city']));
  });
});
