import TidingsCore

/// What the PostgreSQL sandbox lets an expression call, and what it tells the caller when
/// PostgreSQL refuses a statement. SQLite's sandbox does the same with its authorizer and by
/// trimming its error messages (see `SQLiteQuerySandbox`).
enum PostgresQueryRules {
    /// Functions an expression may call: text, numbers, dates, JSON reads, arrays, aggregates and
    /// window ranks — none reads anything but its arguments, writes, sleeps, or changes the
    /// session. Anything else (`set_config`, `current_setting`, `pg_advisory_lock`, `nextval`,
    /// `query_to_xml`, `dblink`, `pg_read_file`, `lo_import`, `pg_sleep`, …) is refused before
    /// the statement is sent. Names that are keywords with a call syntax of their own
    /// (`coalesce`, `extract`, `trim` …) are listed as well.
    static let functions: Set<String> = [
        // Text
        "ascii", "bit_length", "btrim", "char_length", "character_length", "chr", "concat", "concat_ws", "format",
        "initcap", "left", "length", "lower", "lpad", "ltrim", "md5", "octet_length", "overlay", "position",
        "regexp_count", "regexp_instr", "regexp_like", "regexp_match", "regexp_matches", "regexp_replace",
        "regexp_substr", "repeat", "replace", "reverse", "right", "rpad", "rtrim", "split_part", "starts_with",
        "strpos", "substr", "substring", "to_char", "to_number", "translate", "trim", "upper",
        // Numbers and comparisons
        "abs", "ceil", "ceiling", "coalesce", "div", "floor", "greatest", "least", "mod", "nullif", "power",
        "random", "round", "sign", "sqrt", "trunc", "width_bucket",
        // Dates and times, and casts written as calls
        "age", "clock_timestamp", "current_time", "current_timestamp", "date", "date_part", "date_trunc",
        "extract", "isfinite", "justify_days", "justify_hours", "justify_interval", "localtime", "localtimestamp",
        "make_date", "make_interval", "make_time", "make_timestamp", "make_timestamptz", "now", "overlaps",
        "statement_timestamp", "text", "timezone", "to_date", "to_timestamp", "transaction_timestamp",
        // JSON reads and builders
        "json_array_elements", "json_array_elements_text", "json_array_length", "json_build_array",
        "json_build_object", "json_each", "json_each_text", "json_extract_path", "json_extract_path_text",
        "json_object_keys", "json_typeof", "jsonb_array_elements", "jsonb_array_elements_text", "jsonb_array_length",
        "jsonb_build_array", "jsonb_build_object", "jsonb_each", "jsonb_each_text", "jsonb_extract_path",
        "jsonb_extract_path_text", "jsonb_object_keys", "jsonb_path_exists", "jsonb_path_match", "jsonb_path_query",
        "jsonb_path_query_array", "jsonb_path_query_first", "jsonb_strip_nulls", "jsonb_typeof", "row_to_json",
        "to_json", "to_jsonb",
        // Arrays
        "array_append", "array_cat", "array_length", "array_lower", "array_position", "array_positions",
        "array_prepend", "array_remove", "array_to_string", "array_upper", "cardinality", "string_to_array",
        "unnest",
        // Aggregates and window ranks
        "array_agg", "avg", "bool_and", "bool_or", "count", "dense_rank", "every", "grouping", "max", "min", "rank",
        "row_number", "string_agg", "sum",
        // Text search
        "phraseto_tsquery", "plainto_tsquery", "to_tsquery", "to_tsvector", "websearch_to_tsquery",
    ]

    /// The reason to give for a statement PostgreSQL refused with `sqlState`. Errors raised while
    /// the statement is parsed and planned (class 42: syntax, unknown column, function or
    /// operator, missing privilege; 0A: unsupported feature; 21: a subquery with several rows)
    /// describe the expression's text, so PostgreSQL's message is passed on. Errors raised while
    /// rows are read may quote the values they choked on (`invalid input syntax for type
    /// integer: "<an e-mail address>"`), so they are reported by their SQLSTATE only.
    static func reason(sqlState: String, message: String) -> String {
        if ["42", "0A", "21"].contains(String(sqlState.prefix(2))) { return message }
        if let known = dataErrors[sqlState] { return known }
        if sqlState.hasPrefix("22") { return "invalid data value (SQLSTATE \(sqlState))" }
        return "the database could not run the query (SQLSTATE \(sqlState))"
    }

    /// Data errors (class 22) worded without the data.
    private static let dataErrors: [String: String] = [
        "22P02": "invalid value for a type conversion",
        "22007": "invalid value for a type conversion",
        "22008": "a date or time is out of range",
        "22003": "a number is out of range",
        "22012": "division by zero",
        "2201B": "invalid regular expression",
        "22023": "invalid argument value",
        "22P05": "a character cannot be converted",
        "22021": "a character is not valid in this encoding",
        "22032": "invalid JSON text",
        "22030": "a JSON value is missing or duplicated",
        "2203A": "invalid SQL/JSON member",
        "2203B": "a SQL/JSON number was expected",
    ]
}
