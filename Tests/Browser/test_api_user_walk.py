"""The credential story in a real browser (issue 5, point 11): an admin creates an API user,
reads its token off the page, calls the API with it, rotates it (the old secret keeps working
within the grace period), revokes it (the API answers 401 token_revoked); and a user with a
narrow role sees only what it may."""
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import Server, browser, fill, follow, link, log_in, log_out, screenshot, submit

ADMIN_PASSWORD = "a long admin password"


class APIUserWalk(unittest.TestCase):
    def setUp(self):
        self.server = Server({"TIDINGS_ADMIN_USER": "admin", "TIDINGS_ADMIN_PASSWORD": ADMIN_PASSWORD})
        self.addCleanup(self.server.stop)
        self.driver = browser()
        self.addCleanup(self.driver.quit)

    def text(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def test_create_use_rotate_revoke(self):
        driver, server = self.driver, self.server
        log_in(driver, server.url, "admin", ADMIN_PASSWORD)
        link(driver, "Users")
        self.assertEqual(self.text("h1"), "Users")
        screenshot(driver, "10-users")

        link(driver, "New user")
        driver.find_element(By.CSS_SELECTOR, "input[name=type][value=api]").click()
        # With JavaScript on, an API user's form has no password or e-mail fields to fill.
        self.assertFalse(driver.find_element(By.ID, "password").is_displayed())
        fill(driver, {"username": "shop"})
        # No role is chosen for you: least privilege is the starting point.
        self.assertEqual(self._role_select().first_selected_option.get_attribute("value"), "")
        self._role_select().select_by_visible_text("Super Admin")
        screenshot(driver, "11-new-api-user")
        submit(driver)

        self.assertEqual(self.text("h1"), "API user shop created")
        self.assertIn("shown this once", self.text("[role=alert]"))
        secret = self.text("#token-secret")
        self.assertIn(f"curl -u 'shop:{secret}' {server.url}/api/lists", self.text("#use-basic"))
        self.assertIn(f"Authorization: token shop:{secret}", self.text("#use-token"))
        self.assertIn(f"Authorization: Bearer {secret}", self.text("#use-bearer"))
        screenshot(driver, "12-token-shown-once")

        # The token works over plain HTTP, in all three forms.
        for authorization in (("shop", secret), f"token shop:{secret}", f"Bearer {secret}"):
            status, _, body = server.api("/api/lists", authorization)
            self.assertEqual(status, 200, body)

        # The tokens page never shows the secret again.
        link(driver, "go to the tokens", partial=True)
        self.assertEqual(self.text("h1"), "Tokens of shop")
        self.assertNotIn(secret, driver.page_source)
        self.assertIn("active", self.text("tbody"))
        screenshot(driver, "13-tokens")

        # Rotate with the default grace: both secrets work, the old one with a warning header.
        Select(driver.find_element(By.CSS_SELECTOR, "select[name=grace_seconds]")).select_by_value("86400")
        follow(driver, driver.find_element(By.XPATH, "//button[text()='Rotate']"))
        self.assertEqual(self.text("h1"), "Token default rotated")
        rotated = self.text("#token-secret")
        self.assertNotEqual(rotated, secret)
        self.assertIn("previous secret keeps working", self.text("main"))
        screenshot(driver, "14-token-rotated")
        status, headers, _ = server.api("/api/lists", ("shop", secret))
        self.assertEqual(status, 200)
        self.assertTrue(headers.get("Tidings-Token-Warning", "").startswith("superseded"), dict(headers))
        self.assertEqual(server.api("/api/lists", ("shop", rotated))[0], 200)

        # Revoke: with JavaScript a confirmation comes first; then the API refuses both secrets.
        link(driver, "go to the tokens", partial=True)
        follow(driver, driver.find_element(By.XPATH, "//button[text()='Revoke']"), confirm=True)
        self.assertIn("Revoked default", self.text("[role=status]"))
        self.assertIn("revoked", self.text("tbody"))
        screenshot(driver, "15-token-revoked")
        for presented in (secret, rotated):
            status, _, body = server.api("/api/lists", ("shop", presented))
            self.assertEqual(status, 401, body)
            self.assertEqual(body["code"], "token_revoked", body)

        # A list, made in the UI.
        link(driver, "Lists")
        link(driver, "New list")
        fill(driver, {"name": "Weekly news", "tags": "weekly, news"})
        Select(driver.find_element(By.ID, "optin")).select_by_value("double")
        screenshot(driver, "18-new-list")
        submit(driver)
        self.assertIn("Created the list Weekly news.", self.text("[role=status]"))
        self.assertIn("Weekly news", self.text("tbody"))
        screenshot(driver, "19-lists")

        # The audit log shows what just happened; the profile shows this very session.
        link(driver, "Audit log")
        fill(driver, {"action": "admin."})
        submit(driver, "main form[role=search]")
        self.assertIn("admin.users.tokens.revoke", self.text("tbody"))
        screenshot(driver, "16-audit-log")
        link(driver, "Profile")
        self.assertIn("this session", self.text("tbody"))
        screenshot(driver, "17-profile")

    def test_narrow_role_sees_only_what_it_may(self):
        server = self.server
        admin = ("admin", ADMIN_PASSWORD)
        # Made over the API with a Super Admin token: a role that may only read lists.
        status, _, created = server.api("/api/users", self._admin_token(admin), "POST", {
            "username": "reader", "type": "user", "email": "reader@example.com", "password": "reader password",
            "password_login": True, "user_role_id": self._role(admin, ["lists:get_all"]),
        })
        self.assertEqual(status, 200, created)

        driver = self.driver
        log_in(driver, server.url, "reader", "reader password")
        self.assertEqual(self.text("h1"), "Dashboard")
        nav = self.text("header nav")
        self.assertNotIn("Users", nav)
        self.assertEqual(driver.find_elements(By.LINK_TEXT, "Users"), [])
        screenshot(driver, "20-narrow-role-dashboard")
        driver.get(server.url + "/admin/users")
        self.assertIn("You do not have permission", self.text("[role=alert]"))
        screenshot(driver, "21-narrow-role-refused")

    def _admin_token(self, admin):
        """A Super Admin API user's token, made through the admin UI's own API."""
        if not hasattr(self, "_token"):
            status, _, body = self.server.api("/api/users", None, "POST", None)
            self.assertEqual(status, 401)
            self._token = self._create_api_admin(admin)
        return self._token

    def _role_select(self):
        return Select(self.driver.find_element(By.ID, "user_role_id"))

    def _create_api_admin(self, admin):
        driver, server = self.driver, self.server
        log_in(driver, server.url, *admin)
        driver.get(server.url + "/admin/users/new")
        driver.find_element(By.CSS_SELECTOR, "input[name=type][value=api]").click()
        fill(driver, {"username": "setup-bot"})
        self._role_select().select_by_visible_text("Super Admin")
        submit(driver)
        secret = self.text("#token-secret")
        log_out(driver)
        return f"token setup-bot:{secret}"

    def _role(self, admin, permissions):
        status, _, body = self.server.api(
            "/api/roles/users", self._admin_token(admin), "POST", {"name": "readers", "permissions": permissions})
        self.assertEqual(status, 200, body)
        return body["data"]["id"]


if __name__ == "__main__":
    unittest.main()
