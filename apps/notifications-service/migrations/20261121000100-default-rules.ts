import { Migration } from '@mikro-orm/migrations';

// Seeded content is frozen here on purpose: later edits go through the templates API or a new
// migration, never by changing this one. Context of every lead template: `lead` (the snapshot),
// `event` ({ type, time, from, to, reason }) and `recipient` ({ id, name }).

interface Message {
  sms: string;
  whatsapp: string;
  subject: string;
  text: string;
  html: string;
}

const hi = 'Hi {{firstName lead.customerName}}';
const sign = '– Team ChargeSol';

/** Customer messages by key: SMS short, WhatsApp friendlier, email with subject, text and HTML. */
const customerMessages: Record<string, Message> = {
  lead_received: {
    sms: `${hi}, ChargeSol has your EV charger installation request for {{lead.city}}. We will call you soon. ${sign}`,
    whatsapp: `${hi} 👋\nThank you for choosing ChargeSol! We have received your request for a home EV charger at {{lead.addressLine1}}, {{lead.city}}.\nOur team will call you shortly to take it forward.\n${sign}`,
    subject: 'We have received your EV charger request',
    text: `${hi},\n\nThank you for choosing ChargeSol. We have received your request for a home EV charger installation at {{lead.addressLine1}}, {{lead.city}} {{lead.pincode}}.\nOur Central Ops team will call you shortly.\n\n${sign}`,
    html: `<p>${hi},</p><p>Thank you for choosing ChargeSol. We have received your request for a home EV charger installation at <strong>{{lead.addressLine1}}, {{lead.city}} {{lead.pincode}}</strong>.</p><p>Our Central Ops team will call you shortly.</p><p>${sign}</p>`,
  },
  documents_requested: {
    sms: `${hi}, to proceed please share: 1) latest electricity bill 2) photo of the charger location 3) your electrician's contact. ${sign}`,
    whatsapp: `${hi},\nTo move your EV charger installation forward, please share:\n1. Your latest *electricity bill*\n2. A *photo of the location* where the charger will go\n3. Your *electrician's contact* details\nYou can reply here with the files.\n${sign}`,
    subject: 'Documents needed for your EV charger installation',
    text: `${hi},\n\nTo proceed with your EV charger installation, please share:\n1. Your latest electricity bill\n2. A photo of the location where the charger will be installed\n3. Your electrician's contact details\n\n${sign}`,
    html: `<p>${hi},</p><p>To proceed with your EV charger installation, please share:</p><ol><li>Your latest electricity bill</li><li>A photo of the location where the charger will be installed</li><li>Your electrician's contact details</li></ol><p>${sign}</p>`,
  },
  survey_scheduled: {
    sms: `${hi}, your site survey for the EV charger is scheduled. Our team will confirm the visit time by phone. ${sign}`,
    whatsapp: `${hi},\nYour *site survey* for the EV charger at {{lead.addressLine1}}, {{lead.city}} is scheduled ✅\nOur team will call to confirm the visit time.\n${sign}`,
    subject: 'Your site survey is scheduled',
    text: `${hi},\n\nYour site survey for the EV charger at {{lead.addressLine1}}, {{lead.city}} is scheduled. Our team will call you to confirm the visit time.\n\n${sign}`,
    html: `<p>${hi},</p><p>Your site survey for the EV charger at <strong>{{lead.addressLine1}}, {{lead.city}}</strong> is scheduled. Our team will call you to confirm the visit time.</p><p>${sign}</p>`,
  },
  survey_rescheduled: {
    sms: `${hi}, your EV charger site survey has been rescheduled. We will call to confirm the new time. ${sign}`,
    whatsapp: `${hi},\nYour *site survey* has been *rescheduled*. Our team will call you to confirm the new time.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\n${sign}`,
    subject: 'Your site survey has been rescheduled',
    text: `${hi},\n\nYour site survey has been rescheduled. Our team will call you to confirm the new time.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\n\n${sign}`,
    html: `<p>${hi},</p><p>Your site survey has been rescheduled. Our team will call you to confirm the new time.</p>{{#if event.reason}}<p>Reason: {{event.reason}}</p>{{/if}}<p>${sign}</p>`,
  },
  installation_scheduled: {
    sms: `${hi}, your EV charger installation is scheduled. Our team will confirm the date and time by phone. ${sign}`,
    whatsapp: `${hi},\nYour *EV charger installation* at {{lead.addressLine1}}, {{lead.city}} is scheduled 🔌\nOur team will call to confirm the date and time.\n${sign}`,
    subject: 'Your EV charger installation is scheduled',
    text: `${hi},\n\nYour EV charger installation at {{lead.addressLine1}}, {{lead.city}} is scheduled. Our team will call you to confirm the date and time.\n\n${sign}`,
    html: `<p>${hi},</p><p>Your EV charger installation at <strong>{{lead.addressLine1}}, {{lead.city}}</strong> is scheduled. Our team will call you to confirm the date and time.</p><p>${sign}</p>`,
  },
  installation_rescheduled: {
    sms: `${hi}, your EV charger installation has been rescheduled. We will call to confirm the new time. ${sign}`,
    whatsapp: `${hi},\nYour *EV charger installation* has been *rescheduled*. Our team will call to confirm the new date and time.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\n${sign}`,
    subject: 'Your EV charger installation has been rescheduled',
    text: `${hi},\n\nYour EV charger installation has been rescheduled. Our team will call you to confirm the new date and time.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\n\n${sign}`,
    html: `<p>${hi},</p><p>Your EV charger installation has been rescheduled. Our team will call you to confirm the new date and time.</p>{{#if event.reason}}<p>Reason: {{event.reason}}</p>{{/if}}<p>${sign}</p>`,
  },
  installation_completed: {
    sms: `${hi}, your EV charger is installed! Happy charging. Questions? Reply to this message. ${sign}`,
    whatsapp: `${hi} ⚡\nYour *EV charger is installed*! Happy charging.\nWe will call you in a few days to check that everything works well. Questions? Just reply here.\n${sign}`,
    subject: 'Your EV charger is installed',
    text: `${hi},\n\nYour EV charger at {{lead.addressLine1}}, {{lead.city}} is installed. Happy charging!\nWe will call you in a few days to make sure everything works well.\n\n${sign}`,
    html: `<p>${hi},</p><p>Your EV charger at <strong>{{lead.addressLine1}}, {{lead.city}}</strong> is installed. Happy charging!</p><p>We will call you in a few days to make sure everything works well.</p><p>${sign}</p>`,
  },
  lead_cancelled: {
    sms: `${hi}, your EV charger installation request has been cancelled. Call us if this is unexpected. ${sign}`,
    whatsapp: `${hi},\nYour EV charger installation request has been *cancelled*.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\nIf this is unexpected, reply here and we will help.\n${sign}`,
    subject: 'Your EV charger installation request was cancelled',
    text: `${hi},\n\nYour EV charger installation request has been cancelled.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\nIf this is unexpected, reply to this email and we will help.\n\n${sign}`,
    html: `<p>${hi},</p><p>Your EV charger installation request has been cancelled.</p>{{#if event.reason}}<p>Reason: {{event.reason}}</p>{{/if}}<p>If this is unexpected, reply to this email and we will help.</p><p>${sign}</p>`,
  },
  lead_on_hold: {
    sms: `${hi}, your EV charger installation is on hold for now. We will update you when it resumes. ${sign}`,
    whatsapp: `${hi},\nYour EV charger installation is *on hold* for now.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\nWe will message you as soon as it resumes.\n${sign}`,
    subject: 'Your EV charger installation is on hold',
    text: `${hi},\n\nYour EV charger installation is on hold for now.{{#if event.reason}}\nReason: {{event.reason}}{{/if}}\nWe will let you know as soon as it resumes.\n\n${sign}`,
    html: `<p>${hi},</p><p>Your EV charger installation is on hold for now.</p>{{#if event.reason}}<p>Reason: {{event.reason}}</p>{{/if}}<p>We will let you know as soon as it resumes.</p><p>${sign}</p>`,
  },
  lead_resumed: {
    sms: `${hi}, good news: your EV charger installation is active again ({{statusLabel lead.status}}). ${sign}`,
    whatsapp: `${hi},\nGood news: your EV charger installation is *active again* ▶️\nCurrent step: {{statusLabel lead.status}}.\n${sign}`,
    subject: 'Your EV charger installation is active again',
    text: `${hi},\n\nGood news: your EV charger installation is active again. Current step: {{statusLabel lead.status}}.\n\n${sign}`,
    html: `<p>${hi},</p><p>Good news: your EV charger installation is active again. Current step: <strong>{{statusLabel lead.status}}</strong>.</p><p>${sign}</p>`,
  },
};

const StatusChanged = 'chargesol.lead.status_changed';

/** When each customer message goes out; a higher priority wins over a lower one for the same channel. */
const customerRules: { key: string; eventType: string; to: string | null; from: string | null; priority: number; context: string }[] = [
  { key: 'lead_received', eventType: 'chargesol.lead.created', to: null, from: null, priority: 10, context: 'lead' },
  { key: 'documents_requested', eventType: StatusChanged, to: 'documents_pending', from: null, priority: 10, context: 'lead' },
  { key: 'survey_scheduled', eventType: StatusChanged, to: 'survey_scheduled', from: null, priority: 10, context: 'survey' },
  { key: 'survey_rescheduled', eventType: StatusChanged, to: 'survey_scheduled', from: 'survey_scheduled', priority: 20, context: 'survey' },
  { key: 'installation_scheduled', eventType: StatusChanged, to: 'installation_scheduled', from: null, priority: 10, context: 'installation' },
  { key: 'installation_rescheduled', eventType: StatusChanged, to: 'installation_scheduled', from: 'installation_scheduled', priority: 20, context: 'installation' },
  { key: 'installation_completed', eventType: StatusChanged, to: 'installation_completed', from: null, priority: 10, context: 'installation' },
  { key: 'lead_cancelled', eventType: StatusChanged, to: 'cancelled', from: null, priority: 30, context: 'lead' },
  { key: 'lead_on_hold', eventType: StatusChanged, to: 'on_hold', from: null, priority: 10, context: 'lead' },
  { key: 'lead_resumed', eventType: StatusChanged, to: null, from: 'on_hold', priority: 20, context: 'lead' },
];

const lit = (value: string | null) => (value === null ? 'null' : `'${value.replaceAll("'", "''")}'`);

/** Default templates and rules, so that the first start already messages customers and handlers. */
export class Migration20261121000100DefaultRules extends Migration {
  override async up(): Promise<void> {
    const template = (name: string, channel: string, subject: string, body: string, html: string | null) =>
      this.addSql(
        `insert into "notification_template" ("name", "channel", "subject_template", "body_template", "html_template") values (${lit(name)}, ${lit(channel)}, ${lit(subject)}, ${lit(body)}, ${lit(html)});`,
      );
    const rule = (r: { eventType: string; to: string | null; from: string | null; priority: number; context: string }, audience: string, templateName: string, skipWithoutAddress: boolean) =>
      this.addSql(
        `insert into "notification_rule" ("event_type", "to_status", "from_status", "audience", "template_id", "context_type", "priority", "skip_without_address") select ${lit(r.eventType)}, ${lit(r.to)}, ${lit(r.from)}, ${lit(audience)}, "id", ${lit(r.context)}, ${r.priority}, ${skipWithoutAddress} from "notification_template" where "name" = ${lit(templateName)};`,
      );

    for (const [key, message] of Object.entries(customerMessages)) {
      template(`${key}_sms`, 'sms', '', message.sms, null);
      template(`${key}_whatsapp`, 'whatsapp', '', message.whatsapp, null);
      template(`${key}_email`, 'email', message.subject, message.text, message.html);
    }
    for (const r of customerRules) {
      rule(r, 'customer', `${r.key}_sms`, false);
      rule(r, 'customer', `${r.key}_whatsapp`, false);
      // Customers get email only when they gave one.
      rule(r, 'customer', `${r.key}_email`, true);
    }

    template(
      'lead_assigned_email',
      'email',
      'Lead assigned to you: {{lead.customerName}}, {{lead.city}}',
      'Hi {{recipient.name}},\n\nA lead has been assigned to you.\nCustomer: {{lead.customerName}}\nAddress: {{lead.addressLine1}}, {{lead.city}}, {{lead.state}} {{lead.pincode}}\nStatus: {{statusLabel lead.status}}\nLead id: {{lead.id}}\n\n– ChargeSol platform',
      '<p>Hi {{recipient.name}},</p><p>A lead has been assigned to you.</p><table><tr><td>Customer</td><td>{{lead.customerName}}</td></tr><tr><td>Address</td><td>{{lead.addressLine1}}, {{lead.city}}, {{lead.state}} {{lead.pincode}}</td></tr><tr><td>Status</td><td>{{statusLabel lead.status}}</td></tr><tr><td>Lead id</td><td>{{lead.id}}</td></tr></table><p>– ChargeSol platform</p>',
    );
    rule({ eventType: 'chargesol.lead.assigned', to: null, from: null, priority: 10, context: 'lead' }, 'assignee', 'lead_assigned_email', false);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "notification_rule";`);
    this.addSql(`delete from "notification_template";`);
  }
}
