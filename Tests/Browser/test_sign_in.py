"""Sign-in in a real browser (issue 5, point 1): first-run setup with the one-time code, login,
errors on the form that say nothing about which usernames exist, logout, and a protected page
that sends you to the login form and back again with `next` kept."""
import unittest
import urllib.parse

from selenium.webdriver.common.by import By

from harness import Server, browser, fill, log_out, screenshot, submit

PASSWORD = "a long admin password"


class SignInTests(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.stop)
        self.driver = browser()
        self.addCleanup(self.driver.quit)

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def alert(self):
        return self.driver.find_element(By.CSS_SELECTOR, "[role=alert]").text

    def test_setup_login_logout_and_next(self):
        driver, url = self.driver, self.server.url

        # A fresh server: the admin area sends you to the setup form, which needs the code from the log.
        driver.get(url + "/admin")
        self.assertTrue(driver.current_url.startswith(url + "/admin/login?next="), driver.current_url)
        self.assertEqual(self.heading(), "Set up Tidings")
        screenshot(driver, "01-setup")
        fill(driver, {"setup_code": "not-the-code", "username": "admin", "email": "admin@example.com",
                      "password": PASSWORD, "password2": PASSWORD})
        submit(driver)
        self.assertIn("setup code", self.alert().lower())
        screenshot(driver, "02-setup-wrong-code")

        fill(driver, {"setup_code": self.server.setup_code(), "username": "admin", "email": "admin@example.com",
                      "password": PASSWORD, "password2": PASSWORD})
        submit(driver)
        self.assertEqual(driver.current_url, url + "/admin")
        self.assertIn("Signed in as admin", driver.find_element(By.TAG_NAME, "main").text)
        screenshot(driver, "03-signed-in")
        session = [cookie for cookie in driver.get_cookies() if cookie["name"].endswith("session")]
        self.assertEqual(len(session), 1, driver.get_cookies())
        self.assertTrue(session[0]["httpOnly"])
        self.assertEqual(session[0].get("sameSite"), "Lax")

        # Log out: back to the login form (setup is over), and the admin area is closed again.
        log_out(driver)
        self.assertEqual(self.heading(), "Log in to Tidings")
        driver.get(url + "/admin")
        self.assertTrue(driver.current_url.startswith(url + "/admin/login"), driver.current_url)

        # A wrong password and an unknown username read exactly alike.
        fill(driver, {"username": "admin", "password": "wrong password"})
        submit(driver)
        wrong_password = self.alert()
        screenshot(driver, "04-login-error")
        fill(driver, {"username": "nobody", "password": "wrong password"})
        submit(driver)
        self.assertEqual(self.alert(), wrong_password)

        # A deep link while signed out survives the detour through the login form.
        driver.get(url + "/admin/users?page=2")
        query = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)
        self.assertEqual(query.get("next"), ["/admin/users?page=2"])
        fill(driver, {"username": "admin", "password": PASSWORD})
        submit(driver)
        self.assertEqual(driver.current_url, url + "/admin/users?page=2")
        self.assertEqual(self.heading(), "Users")

    def test_pages_carry_security_headers(self):
        for path in ("/admin/login", "/admin"):
            status, headers = self.server.headers(path)
            self.assertIn(status, (200, 303), path)
            if status == 303:
                continue
            policy = headers["Content-Security-Policy"]
            self.assertIn("script-src 'self'", policy)
            self.assertNotIn("'unsafe-inline'", policy.split("script-src", 1)[1].split(";", 1)[0])
            self.assertIn("frame-ancestors 'none'", policy)
            self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
            self.assertTrue(headers["Referrer-Policy"])
        status, headers = self.server.headers("/admin")
        self.assertEqual(status, 303)
        self.assertTrue(headers["Location"].startswith("/admin/login?next="))


if __name__ == "__main__":
    unittest.main()
