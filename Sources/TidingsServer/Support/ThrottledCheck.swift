import TidingsCore

/// Runs a check of something only the user knows (its password, a TOTP code) on behalf of an
/// authenticated caller, throttled like a login: refused with 429 while the address or the user
/// there is throttled, and each failure (`isFailure`) counts. So a stolen session cannot be used
/// to guess the password behind it.
struct ThrottledCheck: Sendable {
    let throttle: FailureThrottle
    let clock: WallClock

    func callAsFunction<T>(
        username: String, address: IPAddress?, isFailure: (TidingsError) -> Bool, _ body: () async throws -> T
    ) async throws -> T {
        if let wait = throttle.retryAfter(.login, address: address, username: username, at: clock.now()) {
            throw AuthFailure.tooManyFailures(retryAfter: wait)
        }
        do {
            return try await body()
        } catch let error as TidingsError where isFailure(error) {
            if let wait = throttle.fail(.login, address: address, username: username, at: clock.now()) {
                throw AuthFailure.tooManyFailures(retryAfter: wait)
            }
            throw error
        }
    }
}

extension AppServices {
    /// Password and TOTP checks for signed-in callers, throttled like logins.
    var throttledCheck: ThrottledCheck { ThrottledCheck(throttle: throttle, clock: clock) }
}
