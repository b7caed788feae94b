/// The free-text `search` of the listings. It becomes a `LIKE` pattern, and SQLite refuses
/// patterns past 50,000 bytes (a 500 before this check); no name or address comes near the
/// limit.
public enum SearchText {
    /// The longest `search`, in bytes.
    public static let maximumLength = 1_000

    /// `400 invalid_search` when `search` is longer than `maximumLength`.
    public static func check(_ search: String) throws(TidingsError) {
        guard search.utf8.count <= maximumLength else {
            throw TidingsError.badRequest("The search is longer than \(maximumLength) bytes.", code: "invalid_search")
        }
    }
}
