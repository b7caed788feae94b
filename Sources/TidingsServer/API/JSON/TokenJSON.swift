import Foundation
import TidingsCore

/// A token as the token API shows it, in that order. Never the secret or its
/// hash; `token` (the secret) only in the response that creates or rotates it.
struct TokenJSON: Encodable, Sendable {
    let token: APIToken
    let state: APIToken.State
    var secret: String? = nil
    /// For `GET /api/tokens/self`: the owner's name and effective permissions.
    var owner: (username: String, permissions: [Permission])? = nil

    init(_ token: APIToken, policy: TokenPolicy, now: Date, secret: String? = nil) {
        self.token = token
        self.state = token.state(at: now, idleLifetime: policy.idleLifetime)
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, user_id, name, display, scopes, lists, allowed_cidrs, created_at, created_by, expires_at
        case last_used_at, last_used_ip, last_used_user_agent, recent_ips, state, grace_until, revoked_at
        case revoked_by, revoked_reason, token, username, permissions
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token.keyID, forKey: .id)
        try container.encode(token.userID, forKey: .user_id)
        try container.encode(token.name, forKey: .name)
        try container.encode(token.display, forKey: .display)
        try container.encode(token.scopes, forKey: .scopes)
        try container.encode(token.lists, forKey: .lists)
        try container.encode(token.allowedCIDRs, forKey: .allowed_cidrs)
        try container.encode(token.createdAt, forKey: .created_at)
        try container.encode(token.createdBy, forKey: .created_by)
        try container.encode(token.expiresAt, forKey: .expires_at)
        try container.encode(token.lastUsedAt, forKey: .last_used_at)
        try container.encode(token.lastUsedIP, forKey: .last_used_ip)
        try container.encode(token.lastUsedUserAgent, forKey: .last_used_user_agent)
        try container.encode(token.recentIPs, forKey: .recent_ips)
        try container.encode(state, forKey: .state)
        try container.encode(token.graceUntil, forKey: .grace_until)
        try container.encode(token.revokedAt, forKey: .revoked_at)
        try container.encode(token.revokedBy, forKey: .revoked_by)
        try container.encode(token.revokedReason, forKey: .revoked_reason)
        if let secret { try container.encode(secret, forKey: .token) }
        if let owner {
            try container.encode(owner.username, forKey: .username)
            try container.encode(owner.permissions, forKey: .permissions)
        }
    }
}
