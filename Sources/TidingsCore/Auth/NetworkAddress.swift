/// An IPv4 or IPv6 address as 128 bits (IPv4 as the IPv4-mapped IPv6 address `::ffff:a.b.c.d`),
/// so that one comparison serves both families and `::ffff:10.0.0.1` from a dual-stack socket is
/// the same client as `10.0.0.1`.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its four bytes, most significant first.
    public init(ipv4 value: UInt32) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(value)
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// Parses dotted-quad IPv4 (`192.0.2.1`) or IPv6 (`2001:db8::1`, `::ffff:192.0.2.1`); brackets
    /// and zone ids are not accepted. Strict: no leading zeros in IPv4 parts, no empty parts.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        if let v4 = Self.parseIPv4(bytes[...]) {
            self.init(ipv4: v4)
        } else if let (high, low) = Self.parseIPv6(bytes) {
            self.init(high: high, low: low)
        } else {
            return nil
        }
    }

    public var description: String {
        if isIPv4 {
            let value = UInt32(truncatingIfNeeded: low)
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        }
        let groups = (0..<8).map { index -> UInt16 in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> UInt64((3 - index % 4) * 16))
        }
        // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on ties.
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8, groups[index] == 0 { index += 1 }
            if index - start > bestLength, index - start >= 2 {
                bestStart = start
                bestLength = index - start
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    private static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        for part in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                part.count == 1 || part.first != UInt8(ascii: "0")
            else { return nil }
            let number = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard number <= 255 else { return nil }
            value = value << 8 | UInt32(number)
            parts += 1
        }
        return parts == 4 ? value : nil
    }

    private static func parseIPv6(_ bytes: [UInt8]) -> (UInt64, UInt64)? {
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var compressed = false
        var text = bytes[...]
        if text.starts(with: [0x3A, 0x3A]) {
            compressed = true
            text = text.dropFirst(2)
        } else if text.first == 0x3A {
            return nil
        }
        while !text.isEmpty {
            let end = text.firstIndex(of: 0x3A) ?? text.endIndex
            let part = text[text.startIndex..<end]
            if end == text.endIndex, part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(part) else { return nil }  // a trailing IPv4 part
                let groups = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                if compressed { tail += groups } else { head += groups }
                text = text[end...]
                break
            }
            guard !part.isEmpty, part.count <= 4, let group = UInt16(String(decoding: part, as: UTF8.self), radix: 16)
            else { return nil }
            if compressed { tail.append(group) } else { head.append(group) }
            text = text[end...]
            if text.starts(with: [0x3A, 0x3A]) {
                guard !compressed else { return nil }
                compressed = true
                text = text.dropFirst(2)
            } else if text.first == 0x3A {
                text = text.dropFirst()
                guard !text.isEmpty else { return nil }
            }
        }
        let count = head.count + tail.count
        guard compressed ? count <= 7 : count == 8 else { return nil }
        let groups = head + [UInt16](repeating: 0, count: 8 - count) + tail
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a single host.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length over the 128-bit form (an IPv4 `/24` is stored as `/120`).
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed), parts[1].first != "+" else { return nil }
            length = parsed
        }
        prefixLength = address.isIPv4 ? length + 96 : length
        network = Self.masked(address, prefixLength)
    }

    public func contains(_ address: IPAddress) -> Bool {
        Self.masked(address, prefixLength) == network
    }

    public var description: String {
        network.isIPv4 ? "\(network)/\(prefixLength - 96)" : "\(network)/\(prefixLength)"
    }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
        return IPAddress(high: address.high & mask(length), low: address.low & mask(length - 64))
    }
}
