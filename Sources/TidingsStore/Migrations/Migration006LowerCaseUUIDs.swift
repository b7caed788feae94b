extension Migration {
    /// UUIDs in the canonical lower case on SQLite too. Its `uuid` columns are text, and earlier
    /// versions wrote them in upper case while the API prints them in lower case, so a caller's
    /// SQL `query` on `subscribers.uuid` with the UUID it was shown found nothing. PostgreSQL's
    /// `uuid` type has no case: nothing to do there.
    static let lowerCaseUUIDs = Migration(
        version: 6, name: "lower-case UUIDs",
        statements: [],
        sqliteOnly: [
            "UPDATE subscribers SET uuid = lower(uuid) WHERE uuid <> lower(uuid)",
            "UPDATE lists SET uuid = lower(uuid) WHERE uuid <> lower(uuid)",
        ])
}
