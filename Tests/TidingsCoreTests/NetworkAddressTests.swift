import Testing
import TidingsCore

/// Addresses and networks for per-token allowlists.
@Suite struct NetworkAddressTests {
    @Test(
        "addresses parse strictly and print canonically",
        arguments: [
            ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
            ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("::", "::"), ("::1", "::1"),
            ("fe80::", "fe80::"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"), ("::ffff:192.0.2.1", "192.0.2.1"),
            ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ])
    func parses(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(
        "malformed addresses are refused",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", " 1.2.3.4", "1::2::3", ":1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1:2:3:4:5:6:7:", "[::1]", "fe80::1%eth0", "::ffff:1.2.3",
            "1.2.3.4/8", "é", String(repeating: "1", count: 100),
        ])
    func refuses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("networks contain exactly their addresses, for both families")
    func networks() throws {
        let ten = try #require(CIDRBlock("10.0.0.0/8"))
        #expect(ten.contains(IPAddress("10.255.1.2")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        #expect(ten.contains(IPAddress("::ffff:10.0.0.1")!), "IPv4-mapped addresses are the same client")
        #expect(CIDRBlock("10.1.2.3/8")?.description == "10.0.0.0/8")
        let host = try #require(CIDRBlock("192.0.2.7"))
        #expect(host.contains(IPAddress("192.0.2.7")!) && !host.contains(IPAddress("192.0.2.8")!))
        let v6 = try #require(CIDRBlock("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress("2001:db9::1")!))
        #expect(!v6.contains(IPAddress("10.0.0.1")!))
        #expect(CIDRBlock("0.0.0.0/0")!.contains(IPAddress("203.0.113.1")!))
        #expect(!CIDRBlock("0.0.0.0/0")!.contains(IPAddress("2001:db8::1")!))
        for bad in ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "::/129", "10.0.0.0/", "/8", "x/8"] {
            #expect(CIDRBlock(bad) == nil, "\(bad)")
        }
    }
}
