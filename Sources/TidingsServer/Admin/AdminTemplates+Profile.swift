extension AdminTemplates {
    static var profile: [(String, String)] { [("profile", profilePage), ("twofa-enrol", twoFactorEnrol)] }

    static let profilePage = """
        <h1>Profile</h1>
        <h2>Details</h2>
        <form method="post" action="/admin/profile" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <p>Username: <strong>{{username}}</strong></p>
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" autocomplete="name">
        {{#errors.name}}<p class="field-error">{{.}}</p>{{/errors.name}}
        <label for="email">E-mail</label><input id="email" name="email" type="email" value="{{email}}" autocomplete="email">
        {{#errors.email}}<p class="field-error" id="email-error">{{.}}</p>{{/errors.email}}
        <p class="actions"><button type="submit">Save</button></p>
        </form>
        <h2>Password</h2>
        <form method="post" action="/admin/profile/password" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="current_password">Current password</label>
        <input id="current_password" name="current_password" type="password" autocomplete="current-password" required>
        {{#errors.current_password}}<p class="field-error" id="current-password-error">{{.}}</p>{{/errors.current_password}}
        <label for="password">New password <span class="hint">(8 characters or more)</span></label>
        <input id="password" name="password" type="password" autocomplete="new-password" required>
        {{#errors.password}}<p class="field-error" id="password-error">{{.}}</p>{{/errors.password}}
        <label for="password2">Repeat the new password</label>
        <input id="password2" name="password2" type="password" autocomplete="new-password" required>
        {{#errors.password2}}<p class="field-error" id="password2-error">{{.}}</p>{{/errors.password2}}
        <p class="hint">Changing it logs out your other sessions.</p>
        <p class="actions"><button type="submit">Change password</button></p>
        </form>
        <h2>Two-factor authentication</h2>
        <div class="card">
        {{#twoFactor}}<p><span class="badge ok">on</span> A code from your authenticator app is asked after your password.</p>
        <form method="post" action="/admin/profile/twofa/disable" data-confirm="Turn off two-factor authentication?">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="twofa_password">Your password, to turn it off</label>
        <input id="twofa_password" name="twofa_password" type="password" autocomplete="current-password" required>
        {{#errors.twofa_password}}<p class="field-error">{{.}}</p>{{/errors.twofa_password}}
        <p class="actions"><button type="submit" class="danger">Turn off</button></p>
        </form>{{/twoFactor}}
        {{^twoFactor}}<p><span class="badge warn">off</span> Protect your account with an authenticator app (TOTP).</p>
        <p class="actions"><a class="button" href="/admin/profile/twofa">Set up two-factor authentication</a></p>{{/twoFactor}}
        </div>
        <h2>Active sessions</h2>
        <div class="table"><table>
        <thead><tr><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col">From</th><th scope="col">Browser</th></tr></thead>
        <tbody>{{#sessions}}<tr><td>{{created}}{{#current}} <span class="badge ok">this session</span>{{/current}}</td><td>{{lastSeen}}</td><td>{{ip}}</td><td>{{agent}}</td></tr>{{/sessions}}</tbody>
        </table></div>
        {{#others}}<form method="post" action="/admin/profile/sessions/logout-others" class="actions">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="secondary">Log out other sessions</button></form>{{/others}}
        """

    static let twoFactorEnrol = """
        <h1>Set up two-factor authentication</h1>
        {{#required}}<p class="warning">This instance requires two-factor authentication: set it up to continue.</p>{{/required}}
        <div class="card">
        <p>1. Scan this code with your authenticator app, or add an account with the key below (or open the link on a phone that has the app):</p>
        {{#qr}}<div class="qr" id="totp-qr" role="img" aria-label="QR code of the otpauth link">{{{qr}}}</div>{{/qr}}
        <div class="secret"><code id="totp-secret">{{secret}}</code> <button type="button" class="secondary" data-copy="totp-secret" hidden>Copy</button></div>
        <p><a href="{{url}}">Open in authenticator app</a></p>
        <p class="hint">Time-based, 6 digits, 30 seconds, SHA-1: every common app's default.</p>
        <form method="post" action="/admin/profile/twofa">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="secret" value="{{secret}}">
        <label for="code">2. Enter the 6-digit code the app shows</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" required>
        <p class="actions"><button type="submit">Turn on</button> <a href="/admin/profile">Cancel</a></p>
        </form></div>
        """
}
