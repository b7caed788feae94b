import Foundation

/// Why a request could not be authenticated. Each case says only what the
/// caller has earned the right to know: an unknown user and a wrong secret look the same.
public enum AuthFailure: Error, Sendable, Equatable {
    case credentialsMissing
    case credentialsMalformed(String)
    case credentialsInURL(parameter: String)
    /// More than one `Authorization` header: which one the client meant cannot be told.
    case credentialsAmbiguous
    case invalidCredentials
    case loginUserNotAPI
    case tokenExpired(name: String, at: Date)
    case tokenRevoked(name: String, at: Date)
    /// The token's previous secret, after the grace period of a rotation ended at `at`.
    case tokenSuperseded(name: String, at: Date)
    /// Unused since `lastUse` for longer than the idle lifetime; stopped working `at`.
    case tokenIdle(name: String, lastUse: Date, at: Date)
    /// The token is bound to networks that do not include `address`.
    case ipNotAllowed(address: String)
    case userDisabled
    case sessionInvalid
    /// A cookie-authenticated change that does not come from this site's pages.
    case crossSiteRequest
    /// The instance requires TOTP and this session's user has not enrolled yet.
    case twoFactorRequired
    /// Too many failures from this address (or for this username from it): wait `retryAfter` seconds.
    case tooManyFailures(retryAfter: Int)
    /// The users and tokens could not be read (the database is down); the cause is logged.
    case unavailable
    /// The password check this credential needs cannot be taken on now: every slot is in use.
    case passwordCheckBusy(retryAfter: Int)

    /// The forms an API client may use, named in several messages.
    public static let acceptedForms =
        "send an API user's token as `Authorization: Basic base64(username:token)` (curl -u username:token), "
        + "`Authorization: token username:token` or `Authorization: Bearer <token>`"

    public var error: TidingsError {
        switch self {
        case .credentialsMissing:
            return TidingsError(
                .unauthenticated, code: "credentials_missing",
                message: "invalid session: no credentials; log in, or \(Self.acceptedForms)")
        case .credentialsMalformed(let what):
            return TidingsError(
                .unauthenticated, code: "credentials_malformed", message: "\(what); \(Self.acceptedForms)")
        case .credentialsInURL(let parameter):
            return TidingsError(
                .badRequest, code: "credentials_in_url",
                message:
                    "credentials in the URL (`\(parameter)`) are refused: URLs leak into logs and browser history; \(Self.acceptedForms)",
                details: ["parameter": parameter])
        case .credentialsAmbiguous:
            return TidingsError(
                .badRequest, code: "credentials_ambiguous",
                message: "more than one Authorization header: send exactly one; \(Self.acceptedForms)")
        case .invalidCredentials:
            return TidingsError(.unauthenticated, code: "invalid_credentials", message: "invalid API credentials")
        case .loginUserNotAPI:
            return TidingsError(
                .unauthenticated, code: "login_user_not_api",
                message:
                    "this is a login user's password: the API needs an API user and its token. "
                    + "Create one with POST /api/users (\"type\": \"api\") or "
                    + "`tidings users create --username NAME --type api --role ROLE`, "
                    + "and send its token instead of a password")
        case .tokenExpired(let name, let at):
            return TidingsError(
                .unauthenticated, code: "token_expired",
                message: "the API token \"\(name)\" expired at \(Timestamp.rfc3339(at)); create a new token",
                details: ["token_name": name, "at": Timestamp.rfc3339(at)])
        case .tokenRevoked(let name, let at):
            return TidingsError(
                .unauthenticated, code: "token_revoked",
                message: "the API token \"\(name)\" was revoked at \(Timestamp.rfc3339(at)); create a new token",
                details: ["token_name": name, "at": Timestamp.rfc3339(at)])
        case .tokenSuperseded(let name, let at):
            return TidingsError(
                .unauthenticated, code: "token_superseded",
                message:
                    "the API token \"\(name)\" was rotated: this is its old secret, whose grace period ended at \(Timestamp.rfc3339(at)); use the new secret",
                details: ["token_name": name, "at": Timestamp.rfc3339(at)])
        case .tokenIdle(let name, let lastUse, let at):
            return TidingsError(
                .unauthenticated, code: "token_expired",
                message:
                    "the API token \"\(name)\" expired at \(Timestamp.rfc3339(at)) after going unused since \(Timestamp.rfc3339(lastUse)); create a new token",
                details: ["token_name": name, "at": Timestamp.rfc3339(at), "reason": "idle"])
        case .ipNotAllowed(let address):
            return TidingsError(
                .forbidden, code: "ip_not_allowed",
                message: "this token may not be used from \(address); its allowed networks do not include it",
                details: ["address": address])
        case .userDisabled:
            return TidingsError(.unauthenticated, code: "user_disabled", message: "this user is disabled")
        case .sessionInvalid:
            return TidingsError(
                .unauthenticated, code: "session_invalid", message: "invalid session: log in again")
        case .crossSiteRequest:
            return TidingsError(
                .forbidden, code: "csrf_failed",
                message: "cross-site request refused: a cookie-authenticated change must come from this site's pages")
        case .twoFactorRequired:
            return TidingsError(
                .forbidden, code: "twofa_required",
                message:
                    "this instance requires two-factor authentication: enrol first (GET /api/users/{id}/twofa/totp, then PUT /api/users/{id}/twofa)"
            )
        case .tooManyFailures(let seconds):
            return TidingsError(
                .tooManyRequests(retryAfterSeconds: seconds), code: "too_many_failures",
                message: "too many failed attempts: try again in \(seconds) seconds",
                details: ["retry_after": "\(seconds)"])
        case .unavailable:
            return TidingsError(
                .unavailable, code: "auth_unavailable",
                message: "credentials cannot be checked right now; try again shortly")
        case .passwordCheckBusy(let seconds):
            return TidingsError.passwordCheckBusy(retryAfter: seconds)
        }
    }
}
