import Hummingbird
import NIOCore
import Synchronization
import TidingsCore

/// The context of every request: who is calling, once authentication has run, and from where.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection, asked for the peer's address only when something needs it.
    let channel: (any Channel)?

    /// The peer's address as seen on the socket.
    public var clientIP: String? { channel?.remoteAddress?.ipAddress }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }
    /// Request bodies of the JSON API are small; imports and media get their own limits later.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The context of routes behind authentication: the principal is not optional, so a handler
/// cannot forget to check that someone is logged in. Only `APIAuthenticator` makes one.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let principal: Principal
    /// The token that authenticated the request, when it was one (for its response headers and
    /// `/api/tokens/self`).
    public let token: Verified?
    /// The client's address: the peer, or the forwarded address behind a trusted proxy.
    public let clientAddress: IPAddress?
    /// For calls that change state: what the handler acted on, for the audit log.
    public let audit: AuditNote?

    /// The client's address as text.
    public var clientIP: String? { clientAddress?.description }

    init(
        context: AppRequestContext, principal: Principal, token: Verified?, clientAddress: IPAddress?,
        audit: AuditNote?
    ) {
        self.coreContext = context.coreContext
        self.principal = principal
        self.token = token
        self.clientAddress = clientAddress
        self.audit = audit
    }

    /// Routes never run in a transforming group, so this is never called; it exists because
    /// the protocol requires it.
    public init(context: AppRequestContext) throws { throw AuthFailure.credentialsMissing }

    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }
    public var maxUploadSize: Int { 1 << 20 }
}

/// What a state-changing handler acted on, noted for its audit event (a class, so that the
/// handler's note reaches the route wrapper that writes the event).
public final class AuditNote: Sendable {
    private let noted = Mutex<(type: String, id: String)?>(nil)

    public init() {}

    /// The target, e.g. `("token", keyID)`; replaces the one the route's path implies.
    public var target: (type: String, id: String)? {
        get { noted.withLock { $0 } }
        set { noted.withLock { $0 = newValue } }
    }
}
