/**
 * China's offset from UTC. China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
 * exact (a shop's day, a wallet's timestamps) and neither ICU data nor the server's own zone is consulted.
 */
export const chinaUtcOffsetMs = 8 * 3_600_000;
