import { randomInt, randomUUID } from 'node:crypto';

const FIRST = ['Asha', 'Rahul', 'Priya', 'Vikram', 'Ananya', 'Arjun', 'Kavya', 'Rohan', 'Meera', 'Sanjay', 'Divya', 'Karan'];
const LAST = ['Rao', 'Sharma', 'Iyer', 'Patel', 'Reddy', 'Nair', 'Gupta', 'Singh', 'Menon', 'Das', 'Kulkarni', 'Joshi'];
const PLACES = [
  { city: 'Bengaluru', state: 'Karnataka', pincode: '560001', lat: 12.9716, lon: 77.5946 },
  { city: 'Mumbai', state: 'Maharashtra', pincode: '400001', lat: 19.076, lon: 72.8777 },
  { city: 'Pune', state: 'Maharashtra', pincode: '411001', lat: 18.5204, lon: 73.8567 },
  { city: 'New Delhi', state: 'Delhi', pincode: '110001', lat: 28.6139, lon: 77.209 },
  { city: 'Chennai', state: 'Tamil Nadu', pincode: '600001', lat: 13.0827, lon: 80.2707 },
  { city: 'Hyderabad', state: 'Telangana', pincode: '500001', lat: 17.385, lon: 78.4867 },
  { city: 'Ahmedabad', state: 'Gujarat', pincode: '380001', lat: 23.0225, lon: 72.5714 },
  { city: 'Kolkata', state: 'West Bengal', pincode: '700001', lat: 22.5726, lon: 88.3639 },
];
const CHARGERS = ['ChargeSol Home 7.4 kW', 'ChargeSol Home 11 kW', 'ChargeSol Lite 3.3 kW'];
const MOBILE_PREFIXES = ['98', '97', '99', '90', '88', '70', '81', '96'];

export const BENCH_PLACES = PLACES;

/** A realistic lead body for POST /api/v1/leads (valid Indian mobile, pincode, coordinates). */
export function generateLead(sourceId: number, oemId: string) {
  const place = PLACES[randomInt(PLACES.length)];
  const first = FIRST[randomInt(FIRST.length)];
  const last = LAST[randomInt(LAST.length)];
  const phone = `+91${MOBILE_PREFIXES[randomInt(MOBILE_PREFIXES.length)]}${String(randomInt(1e8)).padStart(8, '0')}`;
  return {
    oemId,
    customerName: `${first} ${last}`,
    customerPhone: phone,
    customerEmail: `${first}.${last}.${randomInt(1e6)}@example.com`.toLowerCase(),
    addressLine1: `${randomInt(1, 400)} ${['MG Road', 'Park Street', 'Ring Road', 'Station Road'][randomInt(4)]}`,
    city: place.city,
    state: place.state,
    pincode: place.pincode,
    latitude: Number((place.lat + (Math.random() - 0.5) / 10).toFixed(6)),
    longitude: Number((place.lon + (Math.random() - 0.5) / 10).toFixed(6)),
    sourceId,
    chargerModel: CHARGERS[randomInt(CHARGERS.length)],
    externalRef: randomUUID(),
  };
}
