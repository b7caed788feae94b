extension AdminTemplates {
    static var roles: [(String, String)] {
        [("roles", rolesPage), ("user-role", userRoleForm), ("list-role", listRoleForm), ("role-delete", roleDelete)]
    }

    static let rolesPage = """
        <h1>Roles</h1>
        <p class="hint">A user has one user role (what it may do) and at most one list role (which lists it may read or manage).</p>
        <h2>User roles</h2>
        {{#canManage}}<p class="actions"><a class="button" href="/admin/roles/users/new">New user role</a></p>{{/canManage}}
        <div class="table"><table><thead><tr><th scope="col">Name</th><th scope="col">Permissions</th><th scope="col"><span class="hint">Actions</span></th></tr></thead><tbody>
        {{#userRoles}}<tr><td><strong>{{name}}</strong>{{#superAdmin}} <span class="badge">read-only</span>{{/superAdmin}}</td><td>{{summary}}</td>
        <td><a href="/admin/roles/users/{{id}}">{{#canDelete}}Edit{{/canDelete}}{{^canDelete}}View{{/canDelete}}</a>
        {{#canDelete}} <a href="/admin/roles/{{id}}/delete" aria-label="Delete {{name}}">Delete</a>{{/canDelete}}</td></tr>{{/userRoles}}
        </tbody></table></div>
        <h2>List roles</h2>
        {{#canManage}}<p class="actions"><a class="button" href="/admin/roles/lists/new">New list role</a></p>{{/canManage}}
        <div class="table"><table><thead><tr><th scope="col">Name</th><th scope="col">Lists</th><th scope="col"><span class="hint">Actions</span></th></tr></thead><tbody>
        {{#listRoles}}<tr><td><strong>{{name}}</strong></td><td>{{summary}}</td>
        <td><a href="/admin/roles/lists/{{id}}">{{#canDelete}}Edit{{/canDelete}}{{^canDelete}}View{{/canDelete}}</a>
        {{#canDelete}} <a href="/admin/roles/{{id}}/delete" aria-label="Delete {{name}}">Delete</a>{{/canDelete}}</td></tr>{{/listRoles}}
        {{^listRoles}}<tr><td colspan="3">No list roles.</td></tr>{{/listRoles}}
        </tbody></table></div>
        """

    static let userRoleForm = """
        <h1>{{#id}}User role {{name}}{{/id}}{{^id}}New user role{{/id}}</h1>
        {{#superAdmin}}<p class="hint">The Super Admin role holds every permission and cannot be changed or deleted.</p>{{/superAdmin}}
        <form method="post" action="{{#id}}/admin/roles/users/{{id}}{{/id}}{{^id}}/admin/roles/users/new{{/id}}" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required{{#readOnly}} disabled{{/readOnly}}>
        {{#groups}}<fieldset><legend>{{group}}</legend>
        {{#permissions}}<label class="choice"><input type="checkbox" name="permissions" value="{{name}}"{{#checked}} checked{{/checked}}{{#readOnly}} disabled{{/readOnly}}> <code>{{name}}</code></label>{{/permissions}}
        </fieldset>{{/groups}}
        {{^readOnly}}<p class="actions"><button type="submit">Save</button> <a href="/admin/roles">Cancel</a></p>{{/readOnly}}
        {{#readOnly}}<p class="actions"><a href="/admin/roles">Back to roles</a></p>{{/readOnly}}
        </form>
        """

    static let listRoleForm = """
        <h1>{{#id}}List role {{name}}{{/id}}{{^id}}New list role{{/id}}</h1>
        <form method="post" action="{{#id}}/admin/roles/lists/{{id}}{{/id}}{{^id}}/admin/roles/lists/new{{/id}}" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required{{#readOnly}} disabled{{/readOnly}}>
        <div class="table"><table><thead><tr><th scope="col">List</th><th scope="col">Access</th></tr></thead><tbody>
        {{#lists}}<tr><th scope="row" id="list-{{id}}-name">{{name}}</th><td><fieldset class="inline" aria-labelledby="list-{{id}}-name">
        <label class="choice"><input type="radio" name="list-{{id}}" value="none"{{#none}} checked{{/none}}{{#readOnly}} disabled{{/readOnly}}> none</label>
        <label class="choice"><input type="radio" name="list-{{id}}" value="get"{{#get}} checked{{/get}}{{#readOnly}} disabled{{/readOnly}}> get</label>
        <label class="choice"><input type="radio" name="list-{{id}}" value="manage"{{#manage}} checked{{/manage}}{{#readOnly}} disabled{{/readOnly}}> get and manage</label>
        </fieldset></td></tr>{{/lists}}
        {{^lists}}<tr><td colspan="2">No lists yet.</td></tr>{{/lists}}
        </tbody></table></div>
        {{^readOnly}}<p class="actions"><button type="submit">Save</button> <a href="/admin/roles">Cancel</a></p>{{/readOnly}}
        </form>
        """

    static let roleDelete = """
        <h1>Delete the role {{name}}?</h1>
        <div class="card">
        {{#inUse}}<p>Give its users another role on their edit page first: <a href="/admin/users">Users</a>.</p>{{/inUse}}
        {{^inUse}}<p>This cannot be undone.</p>
        <form method="post" action="/admin/roles/{{id}}/delete" class="actions">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger">Delete {{name}}</button> <a href="/admin/roles">Cancel</a></form>{{/inUse}}
        </div>
        """
}
