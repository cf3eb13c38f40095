// Where each emulator listens: its port in firebase.json shifted by EMULATOR_PORT_OFFSET, moved off
// the ports that browsers and Node's fetch refuse. The runner and `npm run reindex` both ask here.

/**
 * The Fetch standard's "bad ports" (Node's undici and every browser refuse them). At an offset of
 * 1000, Hosting (5000) would land on 6000; at 2000, Firestore (8080) on 10080.
 */
const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** The shift every port takes: EMULATOR_PORT_OFFSET (0 when unset). */
export const portOffset = () => Number(process.env.EMULATOR_PORT_OFFSET ?? 0);

/**
 * `base + offset`, or, when that is a bad port, the next one 5 further on that is not (no two ports
 * of firebase.json are 5 apart, so a moved port takes no other emulator's place).
 */
export function emulatorPort(base, offset = portOffset()) {
  let port = base + offset;
  while (FETCH_BAD_PORTS.has(port)) port += 5;
  return port;
}
