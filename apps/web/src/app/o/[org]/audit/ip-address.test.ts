import { describe, expect, it } from "vitest";
import { displayIpAddress } from "./ip-address";

describe("audit IP addresses", () => {
  it("writes expanded IPv6 the short way", () => {
    expect(displayIpAddress("0000:0000:0000:0000:0000:0000:0000:0001")).toBe("::1");
    expect(displayIpAddress("2001:0db8:0000:0000:0000:ff00:0042:8329")).toBe("2001:db8::ff00:42:8329");
    expect(displayIpAddress("2001:0db8:0000:0001:0000:0000:0000:0001")).toBe("2001:db8:0:1::1");
    expect(displayIpAddress("fe80:0000:0000:0000:0000:0000:0000:0000")).toBe("fe80::");
    expect(displayIpAddress("2001:0db8:0001:0002:0003:0004:0005:0006")).toBe("2001:db8:1:2:3:4:5:6");
  });

  it("reads the unspecified address and a missing one as unknown", () => {
    expect(displayIpAddress("0000:0000:0000:0000:0000:0000:0000:0000")).toBe("—");
    expect(displayIpAddress(null)).toBe("—");
  });

  it("leaves IPv4 and anything it does not recognise as stored", () => {
    expect(displayIpAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(displayIpAddress("::1")).toBe("::1");
  });
});
