import Foundation

/// One entry of the append-only audit log. It never holds a secret: tokens
/// appear by key id, sessions not at all, request bodies never.
public struct AuditEvent: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case success, failure
    }

    /// Who acted, and how they proved it.
    public struct Actor: Sendable, Equatable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            /// A login user's browser session.
            case session
            /// An API token (`tokenKeyID`).
            case token
            /// The command line on the server.
            case cli
            /// Nobody authenticated (failed logins, failed tokens, the leak report).
            case anonymous
        }

        public var kind: Kind
        public var userID: UserID?
        public var username: String?
        public var tokenKeyID: String?

        public init(kind: Kind, userID: UserID? = nil, username: String? = nil, tokenKeyID: String? = nil) {
            self.kind = kind
            self.userID = userID
            self.username = username
            self.tokenKeyID = tokenKeyID
        }

        public static let anonymous = Actor(kind: .anonymous)

        /// The actor behind a principal.
        public init(_ principal: Principal) {
            switch principal.credential {
            case .session: self.init(kind: .session, userID: principal.user.id, username: principal.user.username)
            case .token(let keyID):
                self.init(kind: .token, userID: principal.user.id, username: principal.user.username, tokenKeyID: keyID)
            case .commandLine: self.init(kind: .cli, userID: principal.user.id, username: principal.user.username)
            }
        }
    }

    public var id: Int?
    public var at: Date
    /// What happened, as `area.verb` (`login.password`, `token.rotate`, `auth.failure`, …).
    public var action: String
    public var outcome: Outcome
    public var actor: Actor
    public var clientIP: String?
    public var userAgent: String?
    /// For API calls: the method, the route pattern and the answer's status.
    public var method: String?
    public var route: String?
    public var status: Int?
    /// What was acted on (`user` 5, `token` key id, `role` 3…).
    public var targetType: String?
    public var targetID: String?
    /// The error code of a failure.
    public var code: String?
    /// A few more facts, never secrets.
    public var details: [String: String]

    public init(
        id: Int? = nil, at: Date, action: String, outcome: Outcome, actor: Actor, clientIP: String? = nil,
        userAgent: String? = nil, method: String? = nil, route: String? = nil, status: Int? = nil,
        targetType: String? = nil, targetID: String? = nil, code: String? = nil, details: [String: String] = [:]
    ) {
        self.id = id
        self.at = at
        self.action = action
        self.outcome = outcome
        self.actor = actor
        self.clientIP = clientIP
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.method = method
        self.route = route
        self.status = status
        self.targetType = targetType
        self.targetID = targetID
        self.code = code
        self.details = details
    }
}

/// Filters for reading the audit log; every field narrows, `nil` means any.
public struct AuditQuery: Sendable, Equatable {
    /// A username or a numeric user id.
    public var actor: String?
    /// An exact action, or a prefix ending in `.` (`token.`).
    public var action: String?
    public var outcome: AuditEvent.Outcome?
    public var from: Date?
    public var until: Date?
    /// Keyset paging for exports: only events with a smaller id, ordered by id (newest first),
    /// so that events written meanwhile cannot shift the pages.
    public var beforeID: Int?
    public var pagination: Pagination

    public init(
        actor: String? = nil, action: String? = nil, outcome: AuditEvent.Outcome? = nil, from: Date? = nil,
        until: Date? = nil, pagination: Pagination = .default
    ) {
        self.actor = actor
        self.action = action
        self.outcome = outcome
        self.from = from
        self.until = until
        self.pagination = pagination
    }
}
