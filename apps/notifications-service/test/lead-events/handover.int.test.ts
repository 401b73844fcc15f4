import { jest } from '@jest/globals';
import { LeadEventTypes } from '#contracts';
import { SandboxProvider } from '../../src/delivery/sandbox.provider.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.service.js';
import { eventually, type Harness, leadEvent, leadSnapshot, MIDDAY_IST, produceLeadEvent } from '../support/harness.js';
import { notificationsOf as notificationsOfEvent, settled as settledNotifications, startConsumingHarness } from './lead-event-support.js';

// Joining a consumer group takes a few seconds on a fresh broker.
jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  h = await startConsumingHarness();
}, 150_000);

afterAll(async () => {
  await h?.close();
});

const notificationsOf = (eventId: string) => notificationsOfEvent(h, eventId);
const settled = (eventId: string, count: number) => settledNotifications(h, eventId, count);

describe('handover: notifications claimed in the transaction that creates them', () => {
  const dispatcher = () => h.app.get(Dispatcher);
  const deliveriesOf = (id: string) => h.app.get(SandboxProvider).sent().filter((delivery) => delivery.notificationId === id);

  afterEach(() => {
    // Back to the prototype's methods and the harness's clock.
    const instance = dispatcher() as unknown as Record<string, unknown>;
    delete instance.dispatchDue;
    delete instance.sendClaimed;
    delete instance.roomForHandover;
    h.clock.set(MIDDAY_IST);
  });

  it('are sent with no claim at all: with the claim loops doing nothing, a lead.created still reaches SMS, WhatsApp and email', async () => {
    dispatcher().dispatchDue = async () => 0;
    const event = leadEvent(LeadEventTypes.Created, leadSnapshot({ customerEmail: 'handover@example.com' }));
    await produceLeadEvent(h.producer, event);
    const rows = await settled(event.id, 3);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1, provider: 'sandbox' });
      expect(deliveriesOf(row.id)).toHaveLength(1);
    }
  });

  it('a handed-over row whose send never happened (a crash) is sent by a claim after its lease, once', async () => {
    dispatcher().sendClaimed = () => undefined;
    const event = leadEvent(LeadEventTypes.Created, leadSnapshot({ customerEmail: null }));
    await produceLeadEvent(h.producer, event);
    const leased = await eventually(async () => {
      const rows = await notificationsOf(event.id);
      return rows.length === 2 ? rows : null;
    }, 'the leased notifications');
    for (const row of leased) {
      expect(row).toMatchObject({ status: 'queued', attempts: 1 });
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(MIDDAY_IST.getTime() + h.config.SEND_CLAIM_LEASE_MS - 5_000);
    }
    delete (dispatcher() as unknown as Record<string, unknown>).sendClaimed;
    h.clock.set(new Date(MIDDAY_IST.getTime() + h.config.SEND_CLAIM_LEASE_MS + 1_000));
    const rows = await settled(event.id, 2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      expect(deliveriesOf(row.id)).toHaveLength(1);
    }
  });

  it('with no room left in memory, the rows are created queued and the claim loops send them', async () => {
    dispatcher().roomForHandover = () => 0;
    const event = leadEvent(LeadEventTypes.Created, leadSnapshot({ customerEmail: null }));
    await produceLeadEvent(h.producer, event);
    const rows = await settled(event.id, 2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      expect(deliveriesOf(row.id)).toHaveLength(1);
    }
  });
});
