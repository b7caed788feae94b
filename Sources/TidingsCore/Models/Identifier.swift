/// A typed database identifier: `Identifier<User>` and `Identifier<MailingList>` are different
/// types, so a list id can never be passed where a user id is expected.
///
/// On the wire and in the database it is a plain integer, as in listmonk.
public struct Identifier<Tag>: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible
{
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

public typealias UserID = Identifier<User>
public typealias RoleID = Identifier<RoleTag>
public typealias ListID = Identifier<MailingList>

/// Tag type for role identifiers (user roles and list roles share one id space, as in listmonk).
public enum RoleTag {}
