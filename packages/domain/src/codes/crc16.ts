/**
 * CRC-16/CCITT-FALSE, the checksum of EMVCo merchant-presented QR codes (payments.md §5):
 * polynomial 0x1021, initial value 0xFFFF, no input or output reflection, no final XOR.
 * The catalogued check value (the CRC of the ASCII bytes "123456789") is 0x29B1.
 */

const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[byte] = crc;
  }
  return table;
})();

/** The CRC-16/CCITT-FALSE of `bytes`, as an integer in 0..0xFFFF. */
export function crc16CcittFalse(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    // `?? 0` only satisfies noUncheckedIndexedAccess: i < length and the index is a byte.
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc;
}

/** The CRC as EMVCo writes it: 4 uppercase hexadecimal digits, zero-padded. */
export function crc16Hex(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
