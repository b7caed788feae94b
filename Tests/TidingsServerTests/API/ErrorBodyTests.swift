import Hummingbird
import NIOCore
import Testing
import TidingsCore

@testable import TidingsServer

/// The hand-written answers to a flood of bad credentials say exactly what the general error
/// encoding says.
@Suite struct ErrorBodyTests {
    @Test(
        "too_many_failures: the fast body and headers equal the general encoding's",
        arguments: [1, 2, 9, 10, 59, 60, 900, 86_400, Int.max])
    func tooManyFailures(seconds: Int) {
        let failure = AuthFailure.tooManyFailures(retryAfter: seconds)
        let fast = ErrorMiddleware<AppRequestContext>.response(for: failure)
        let general = ErrorMiddleware<AppRequestContext>.response(for: failure.error)
        #expect(fast.status == .tooManyRequests && general.status == .tooManyRequests)
        #expect(fast.headers == general.headers)
        #expect(fast.headers[.retryAfter] == String(seconds))
        let expected = ErrorBody(failure.error).json
        #expect(Array(buffer: ErrorBody.tooManyFailures(retryAfter: String(seconds))) == expected)
        // Built for this value just now, then kept for the next request that asks for it.
        for _ in 0..<2 {
            let (headers, body) = ErrorBody.tooManyFailures(seconds: seconds)
            let response = Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: body))
            #expect(response.headers == general.headers)
            #expect(Array(buffer: body) == expected)
        }
        #expect(String(decoding: expected, as: UTF8.self).hasSuffix("\"retry_after\":\"\(seconds)\"}\n"))
    }

    @Test("invalid_credentials: the body encoded once equals the general encoding's")
    func invalidCredentials() {
        let general = ErrorMiddleware<AppRequestContext>.response(for: AuthFailure.invalidCredentials.error)
        let fast = ErrorMiddleware<AppRequestContext>.response(for: AuthFailure.invalidCredentials)
        #expect(fast.status == general.status && fast.headers == general.headers)
        #expect(Array(buffer: ErrorBody.invalidCredentials) == ErrorBody(AuthFailure.invalidCredentials.error).json)
    }
}
