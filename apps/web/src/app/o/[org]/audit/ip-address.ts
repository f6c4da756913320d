/**
 * An audit event's address as people read it. The auth library stores IPv6 fully expanded
 * ("0000:0000:…:0001"); this writes it the short way ("::1"). The unspecified address (all zeros) is what
 * it records when no address was known, so it reads as unknown.
 */
export function displayIpAddress(ip: string | null): string {
  if (!ip) return "—";
  if (!ip.includes(":")) return ip;
  const groups = ip.split(":");
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return ip;
  const short = groups.map((g) => g.replace(/^0+(?=.)/, "").toLowerCase());
  if (short.every((g) => g === "0")) return "—";
  // Collapse the longest run of two or more zero groups into "::" (the first one on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (short[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && short[j] === "0") j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  if (bestStart === -1) return short.join(":");
  const head = short.slice(0, bestStart).join(":");
  const tail = short.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}
