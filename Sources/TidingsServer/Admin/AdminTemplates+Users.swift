extension AdminTemplates {
    static var users: [(String, String)] {
        [
            ("user-fields", userFields), ("users", usersList), ("user-new", userNew), ("user-edit", userEdit),
            ("user-delete", userDelete), ("token-issued", tokenIssued),
        ]
    }

    static let usersList = """
        <h1>Users</h1>
        {{#canManage}}<p class="actions"><a class="button" href="/admin/users/new">New user</a></p>{{/canManage}}
        <div class="table"><table>
        <caption class="hint">Login users sign in here; API users are programs, with tokens instead of a password.</caption>
        <thead><tr><th scope="col">Username</th><th scope="col">Type</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last login</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
        <tbody>
        {{#users}}
        <tr>
        <td><strong>{{username}}</strong>{{#name}}<br><span class="hint">{{name}}</span>{{/name}}</td>
        <td>{{#isAPI}}<span class="badge">API</span>{{/isAPI}}{{^isAPI}}<span class="badge">Login</span>{{/isAPI}}</td>
        <td>{{role}}{{#listRole}}<br><span class="hint">Lists: {{listRole}}</span>{{/listRole}}</td>
        <td>{{#enabled}}<span class="badge ok">enabled</span>{{/enabled}}{{^enabled}}<span class="badge bad">disabled</span>{{/enabled}}</td>
        <td>{{lastLogin}}</td>
        <td>{{#isAPI}}<a href="/admin/users/{{id}}/tokens">Tokens</a> {{/isAPI}}
        {{#canManage}}<a href="/admin/users/{{id}}/edit" aria-label="Edit {{username}}">Edit</a>
        {{^isSelf}}<form method="post" action="/admin/users/{{id}}/status" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#enabled}}<input type="hidden" name="status" value="disabled"><button type="submit" class="link" aria-label="Disable {{username}}">Disable</button>{{/enabled}}
        {{^enabled}}<input type="hidden" name="status" value="enabled"><button type="submit" class="link" aria-label="Enable {{username}}">Enable</button>{{/enabled}}
        </form>
        <a href="/admin/users/{{id}}/delete" aria-label="Delete {{username}}">Delete</a>{{/isSelf}}{{/canManage}}</td>
        </tr>
        {{/users}}
        </tbody></table></div>
        """

    static let userNew = """
        <h1>New user</h1>
        <form method="post" action="/admin/users/new" class="card" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset><legend>Type</legend>
        <label class="choice"><input type="radio" name="type" value="user"{{^isAPI}} checked{{/isAPI}}>
        <span><strong>Login user</strong> — a person who signs in here with a password.</span></label>
        <label class="choice"><input type="radio" name="type" value="api"{{#isAPI}} checked{{/isAPI}}>
        <span><strong>API user</strong> — a program. It has no password: Tidings generates a token and shows it once.</span></label>
        </fieldset>
        {{> user-fields}}
        <p class="actions"><button type="submit">Create user</button> <a href="/admin/users">Cancel</a></p>
        </form>
        """

    static let userEdit = """
        <h1>Edit {{username}}</h1>
        <form method="post" action="/admin/users/{{id}}/edit" class="card" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <p class="hint">{{#isAPI}}An API user: it has tokens, never a password.{{/isAPI}}{{^isAPI}}A login user. Leave the password empty to keep it; a new one ends the user's sessions.{{/isAPI}}</p>
        {{> user-fields}}
        <p class="actions"><button type="submit">Save</button> <a href="/admin/users">Cancel</a></p>
        </form>
        """

    /// The fields new and edit share. API users never see password or e-mail fields.
    static let userFields = """
        <label for="username">Username</label>
        <input id="username" name="username" value="{{username}}" autocomplete="off" required aria-describedby="username-hint{{#errors.username}} username-error{{/errors.username}}">
        <p class="hint" id="username-hint">Letters, digits and <code>._-</code>; the API user's name goes in front of its token.</p>
        {{#errors.username}}<p class="field-error" id="username-error">{{.}}</p>{{/errors.username}}
        <label for="name">Name <span class="hint">(optional)</span></label>
        <input id="name" name="name" value="{{name}}" autocomplete="off">
        <div data-user-only{{#isAPI}} hidden{{/isAPI}}>
        <label for="email">E-mail</label>
        <input id="email" name="email" type="email" value="{{email}}" autocomplete="off"{{#errors.email}} aria-describedby="email-error"{{/errors.email}}>
        {{#errors.email}}<p class="field-error" id="email-error">{{.}}</p>{{/errors.email}}
        <label for="password">Password <span class="hint">(login users only, 8 characters or more)</span></label>
        <input id="password" name="password" type="password" autocomplete="new-password"{{#errors.password}} aria-describedby="password-error"{{/errors.password}}>
        {{#errors.password}}<p class="field-error" id="password-error">{{.}}</p>{{/errors.password}}
        </div>
        <label for="user_role_id">User role</label>
        <select id="user_role_id" name="user_role_id" required><option value="">Choose a role</option>{{#roles}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/roles}}</select>
        {{#errors.user_role_id}}<p class="field-error">{{.}}</p>{{/errors.user_role_id}}
        <label for="list_role_id">List role <span class="hint">(optional)</span></label>
        <select id="list_role_id" name="list_role_id"><option value="">None</option>{{#listRoles}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/listRoles}}</select>
        {{#errors.list_role_id}}<p class="field-error">{{.}}</p>{{/errors.list_role_id}}
        """

    static let userDelete = """
        <h1>Delete {{username}}?</h1>
        <div class="card">
        <p>{{#isAPI}}Its tokens stop working at once, everywhere.{{/isAPI}}{{^isAPI}}Its sessions end at once.{{/isAPI}} This cannot be undone.</p>
        <form method="post" action="/admin/users/{{id}}/delete" class="actions">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger">Delete {{username}}</button> <a href="/admin/users">Cancel</a>
        </form></div>
        """

    static let tokenIssued = """
        <h1>{{heading}}</h1>
        <p class="warning" role="alert"><strong>Copy this token now.</strong> It is shown this once: Tidings keeps only a hash of it and cannot show it again.</p>
        <div class="card">
        <p>Token <strong>{{tokenName}}</strong> of API user <strong>{{username}}</strong>{{#expires}}, valid until {{expires}}{{/expires}}.</p>
        <div class="secret"><code id="token-secret">{{secret}}</code> <button type="button" class="secondary" data-copy="token-secret" hidden>Copy</button></div>
        {{#graceUntil}}<p class="hint">The previous secret keeps working until {{graceUntil}}, so you can deploy this one first.</p>{{/graceUntil}}
        </div>
        <h2>Using it</h2>
        <p>Any of these three forms works (the first is what listmonk's clients send):</p>
        <pre id="use-basic">curl -u '{{username}}:{{secret}}' {{rootURL}}/api/lists</pre>
        <pre id="use-token">curl -H 'Authorization: token {{username}}:{{secret}}' {{rootURL}}/api/lists</pre>
        <pre id="use-bearer">curl -H 'Authorization: Bearer {{secret}}' {{rootURL}}/api/lists</pre>
        <p class="actions"><a class="button" href="/admin/users/{{userID}}/tokens">I have copied it — go to the tokens</a></p>
        """
}
