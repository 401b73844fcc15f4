import { upsertCustomersFromLeads } from '../../src/recipients/customer-directory.js';
import { Recipient } from '../../src/recipients/recipient.entity.js';
import { leadSnapshot, randomPhone } from '../../../../test/support/lead-snapshot.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const entry = (phone: string) => h.orm.em.fork().findOneOrFail(Recipient, { id: `cust:${phone}` });

describe('customer directory upsert (real PostgreSQL)', () => {
  it('creates a customer from a lead, then refreshes its name without clearing a known email or an opt-out', async () => {
    const phone = randomPhone();
    const first = await upsertCustomersFromLeads(h.orm.em.fork(), [leadSnapshot({ customerPhone: phone, customerName: 'Asha Rao', customerEmail: 'asha@example.com' })]);
    expect(first.get(phone)).toMatchObject({ id: `cust:${phone}`, kind: 'customer', name: 'Asha Rao', phone, email: 'asha@example.com', optOutSms: false });
    await h.orm.em.fork().nativeUpdate(Recipient, { id: `cust:${phone}` }, { optOutSms: true });

    const again = await upsertCustomersFromLeads(h.orm.em.fork(), [leadSnapshot({ customerPhone: phone, customerName: 'Asha R. Rao', customerEmail: null })]);
    expect(again.get(phone)).toMatchObject({ name: 'Asha R. Rao', email: 'asha@example.com', optOutSms: true });
    expect(await entry(phone)).toMatchObject({ name: 'Asha R. Rao', email: 'asha@example.com', optOutSms: true });
  });

  it('several leads of one customer in one call: the last name wins, and the last email given; an invalid phone has no entry', async () => {
    const phone = randomPhone();
    const result = await upsertCustomersFromLeads(h.orm.em.fork(), [
      leadSnapshot({ customerPhone: phone, customerName: 'First Name', customerEmail: 'first@example.com' }),
      leadSnapshot({ customerPhone: phone, customerName: 'Last Name', customerEmail: null }),
      leadSnapshot({ customerPhone: 'not a phone', customerName: 'Nobody' }),
    ]);
    expect(result.get(phone)).toMatchObject({ name: 'Last Name', email: 'first@example.com' });
    expect(result.has('not a phone')).toBe(false);
    expect(await entry(phone)).toMatchObject({ name: 'Last Name', email: 'first@example.com' });
  });
});
