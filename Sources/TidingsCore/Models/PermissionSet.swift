/// A set of global permissions as a bit set: membership tests on the request path cost one AND.
public struct PermissionSet: Sendable, Hashable {
    private var bits: UInt64

    public init() { bits = 0 }

    public init(_ permissions: some Sequence<Permission>) {
        bits = 0
        for permission in permissions { insert(permission) }
    }

    /// Every permission in the catalogue (what the Super Admin role holds).
    public static let all = PermissionSet(Permission.allCases)

    public func contains(_ permission: Permission) -> Bool { bits & Self.bit(permission) != 0 }

    public mutating func insert(_ permission: Permission) { bits |= Self.bit(permission) }

    public func intersection(_ other: PermissionSet) -> PermissionSet {
        var result = PermissionSet()
        result.bits = bits & other.bits
        return result
    }

    public var isEmpty: Bool { bits == 0 }

    /// Whether every member is also in `other`.
    public func isSubset(of other: PermissionSet) -> Bool { bits & ~other.bits == 0 }

    /// The members in catalogue order.
    public var permissions: [Permission] { Permission.allCases.filter(contains) }

    private static let index: [Permission: Int] = Dictionary(
        uniqueKeysWithValues: Permission.allCases.enumerated().map { ($1, $0) })

    private static func bit(_ permission: Permission) -> UInt64 { 1 << UInt64(index[permission]!) }
}
