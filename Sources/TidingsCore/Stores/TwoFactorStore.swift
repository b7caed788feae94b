import Foundation

/// Persistence of login users' TOTP enrolment. The key is stored sealed (`SecretBox`), never in clear.
public protocol TwoFactorStore: Sendable {
    /// The sealed TOTP key of a user, if enrolled.
    func sealedTwoFactorKey(userID: UserID) async throws -> String?
    /// Enrols (`sealedKey` set: `twofa_type` totp) or unenrols (`nil`: none) a user.
    func setTwoFactor(userID: UserID, sealedKey: String?, at: Date) async throws
    /// Records that the code of `step` was used, unless that step or a later one already was:
    /// returns whether this use is the first (a code works only once).
    func claimTwoFactorStep(userID: UserID, step: Int64) async throws -> Bool
}
