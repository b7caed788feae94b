extension AdminTemplates {
    static var tokens: [(String, String)] { [("tokens", tokenList)] }

    static let tokenList = """
        <h1>Tokens of {{username}}</h1>
        <p class="hint">An API user may hold several tokens, one per program or environment. Rotate a token to
        replace its secret with a grace period; revoke it to stop it at once, everywhere.</p>
        <div class="table"><table>
        <thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Scopes</th><th scope="col">Expires</th>
        <th scope="col">Last used</th><th scope="col">Recent IPs</th><th scope="col">State</th>{{#canManage}}<th scope="col"><span class="hint">Actions</span></th>{{/canManage}}</tr></thead>
        <tbody>
        {{#tokens}}
        <tr class="{{rowClass}}">
        <td><strong>{{name}}</strong>{{#cidrs}}<br><span class="hint">from {{cidrs}}</span>{{/cidrs}}</td>
        <td><code>{{display}}</code></td>
        <td>{{scopes}}{{#listIDs}}<br><span class="hint">only {{listIDs}}</span>{{/listIDs}}</td>
        <td>{{expires}}{{#expiresSoon}} <span class="badge warn">soon</span>{{/expiresSoon}}</td>
        <td>{{lastUsed}}{{#lastUsedAgent}}<br><span class="hint">{{lastUsedAgent}}</span>{{/lastUsedAgent}}</td>
        <td>{{recentIPs}}</td>
        <td><span class="badge {{stateClass}}">{{state}}</span></td>
        {{#canManage}}<td>{{#active}}
        <form method="post" action="/admin/users/{{userID}}/tokens/{{keyID}}/rotate" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="grace-{{keyID}}" class="hint">Old secret works for</label>
        <select id="grace-{{keyID}}" name="grace_seconds"><option value="0">no time</option><option value="3600">1 hour</option><option value="86400" selected>24 hours</option><option value="604800">7 days</option></select>
        <button type="submit" class="secondary">Rotate</button></form>
        <form method="post" action="/admin/users/{{userID}}/tokens/{{keyID}}/revoke" class="inline" data-confirm="Revoke the token {{name}}? Programs using it stop working at once.">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger" aria-label="Revoke {{name}}">Revoke</button></form>
        {{/active}}</td>{{/canManage}}
        </tr>
        {{/tokens}}
        {{^tokens}}<tr><td colspan="8">No tokens.</td></tr>{{/tokens}}
        </tbody></table></div>
        {{#canManage}}
        {{#hasActive}}
        <form method="post" action="/admin/users/{{userID}}/tokens/revoke-all" class="actions" data-confirm="Revoke every token of {{username}}? All its programs stop working at once.">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger">Revoke all tokens</button></form>
        {{/hasActive}}
        <h2>New token</h2>
        <form method="post" action="/admin/users/{{userID}}/tokens" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="token-name">Name</label>
        <input id="token-name" name="name" value="{{form.name}}" required aria-describedby="token-name-hint">
        <p class="hint" id="token-name-hint">What uses it, e.g. "shop production".</p>
        <label for="expires_days">Expires after (days)</label>
        <input id="expires_days" name="expires_days" type="number" min="1" max="{{maxDays}}" value="{{defaultDays}}" aria-describedby="expires-hint">
        <p class="hint" id="expires-hint">At most {{maxDays}} days.</p>
        <label for="cidrs">Allowed networks <span class="hint">(optional)</span></label>
        <textarea id="cidrs" name="cidrs" aria-describedby="cidrs-hint">{{form.cidrs}}</textarea>
        <p class="hint" id="cidrs-hint">One address or CIDR per line, IPv4 or IPv6 (e.g. 203.0.113.0/24). Empty: anywhere.</p>
        <fieldset><legend>Scopes <span class="hint">(optional: none ticked means all of the user's permissions)</span></legend>
        {{#scopeGroups}}<p class="hint"><strong>{{group}}</strong></p>
        {{#permissions}}<label class="choice"><input type="checkbox" name="scopes" value="{{name}}"> <span><code>{{name}}</code></span></label>{{/permissions}}
        {{/scopeGroups}}
        </fieldset>
        <fieldset><legend>Lists <span class="hint">(optional: none ticked means all of the user's lists)</span></legend>
        {{#lists}}<label class="choice"><input type="checkbox" name="token_lists" value="{{id}}"> {{name}}</label>{{/lists}}
        {{^lists}}<p class="hint">No lists yet.</p>{{/lists}}
        </fieldset>
        <p class="actions"><button type="submit">Create token</button></p>
        </form>
        {{/canManage}}
        """
}
