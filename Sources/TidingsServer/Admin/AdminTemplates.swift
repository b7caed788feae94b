/// The admin UI's Mustache templates, compiled into the binary. `{{x}}` is HTML-escaped;
/// `{{{x}}}` is used only for HTML that Tidings itself rendered (a page's body inside the frame).
/// Every form carries `_csrf`; every input has a label.
enum AdminTemplates {
    static var all: [(String, String)] {
        [
            ("head", head), ("layout", layout), ("bare", bare), ("problem", problem), ("dashboard", dashboard),
        ] + users + tokens + audit + profile + lists + roles + subscribers + imports
    }

    /// The document head every page shares.
    static let head = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Tidings</title>
        <link rel="stylesheet" href="/admin/static/tidings.css">
        <script src="/admin/static/tidings.js" defer></script>
        </head>
        """

    static let layout = """
        {{> head}}<body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/admin">Tidings</a>
        <nav aria-label="Main"><ul>{{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}</ul></nav>
        <form method="post" action="/admin/logout" class="logout">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <span>{{username}}</span> <button type="submit" class="link">Log out</button>
        </form>
        </header>
        <main id="main">
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{{body}}}
        </main>
        </body></html>
        """

    static let bare = """
        {{> head}}<body><main id="main" class="narrow">
        <h1>{{title}}</h1><p class="error" role="alert">{{message}}</p>
        <p><a href="/admin">Back to Tidings</a></p>
        </main></body></html>
        """

    static let problem = """
        <h1>Not possible</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/admin">Back to the dashboard</a></p>
        """

    static let dashboard = """
        <h1>Dashboard</h1>
        <div class="card">
        <p>Signed in as <strong>{{username}}</strong> ({{role}}).</p>
        <ul>
        {{#areas}}<li><a href="{{href}}">{{label}}</a>: {{summary}}</li>{{/areas}}
        </ul>
        <p>Programs use the listmonk-compatible API under <code>/api</code>; operators also have the <code>tidings</code> command.</p>
        </div>
        """
}
