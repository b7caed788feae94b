"""The rest of the admin UI in a real browser (issue 5): two-factor enrolment and the login step,
a login by keyboard alone, roles, subscribers with an attribute error shown at its field, an
import followed to its end, and the pages at a phone's width. Screenshots of each page."""
import base64
import hashlib
import hmac
import os
import struct
import subprocess
import tempfile
import time
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from harness import Server, browser, fill, link, log_in, log_out, screenshot, submit

PASSWORD = "a long admin password"


def totp(secret, at=None):
    """RFC 6238 with the defaults every app uses: SHA-1, 30 s, 6 digits."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class PagesTour(unittest.TestCase):
    def setUp(self):
        self.server = Server({"TIDINGS_ADMIN_USER": "admin", "TIDINGS_ADMIN_PASSWORD": PASSWORD})
        self.addCleanup(self.server.stop)
        self.driver = browser()
        self.addCleanup(self.driver.quit)

    def text(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def test_two_factor_enrolment_and_login_step(self):
        driver, url = self.driver, self.server.url
        log_in(driver, url, "admin", PASSWORD)
        link(driver, "Profile")
        link(driver, "Set up two-factor authentication")
        secret = self.text("#totp-secret")
        self.assertTrue(driver.find_element(By.PARTIAL_LINK_TEXT, "Open in authenticator").get_attribute("href")
                        .startswith("otpauth://totp/"))
        screenshot(driver, "30-totp-enrol")
        # The QR code is real: zbar reads the otpauth:// link back from the rendered page.
        link_url = driver.find_element(By.PARTIAL_LINK_TEXT, "Open in authenticator").get_attribute("href")
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as image:
            driver.find_element(By.ID, "totp-qr").screenshot(image.name)
        self.addCleanup(os.unlink, image.name)
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", image.name], capture_output=True, text=True)
        self.assertEqual(decoded.stdout.strip(), link_url, decoded.stderr)
        fill(driver, {"code": totp(secret)})
        submit(driver)
        self.assertIn("Two-factor authentication is on.", self.text("[role=status]"))
        log_out(driver)

        # The password alone no longer signs in: the code step comes, and a wrong code is refused.
        log_in(driver, url, "admin", PASSWORD)
        self.assertEqual(self.text("h1"), "Enter your code")
        screenshot(driver, "31-totp-login-step")
        fill(driver, {"code": "000000"})
        submit(driver)
        self.assertTrue(self.text("[role=alert]"))
        # Each code works once, so wait for the next one.
        step = int(time.time() // 30)
        while int(time.time() // 30) == step:
            time.sleep(0.5)
        fill(driver, {"code": totp(secret)})
        submit(driver)
        self.assertEqual(self.text("h1"), "Dashboard")

    def test_keyboard_only_login(self):
        driver, url = self.driver, self.server.url
        driver.get(url + "/admin/login")
        active = driver.switch_to.active_element
        self.assertEqual(active.get_attribute("id"), "username")  # focused on arrival
        active.send_keys("admin")
        active.send_keys(Keys.TAB)
        active = driver.switch_to.active_element
        self.assertEqual(active.get_attribute("id"), "password")
        page = driver.find_element(By.TAG_NAME, "html")
        active.send_keys(PASSWORD + Keys.ENTER)
        WebDriverWait(driver, 15).until(lambda _: self.text("h1") == "Dashboard")
        # The skip link is the first stop of the keyboard, and focus is visible (an outline).
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = driver.switch_to.active_element
        self.assertEqual(focused.get_attribute("class"), "skip")
        self.assertNotEqual(focused.value_of_css_property("outline-style"), "none")
        del page

    def test_roles_subscribers_import_and_phone_width(self):
        driver, url = self.driver, self.server.url
        log_in(driver, url, "admin", PASSWORD)

        link(driver, "Lists")
        link(driver, "New list")
        fill(driver, {"name": "Weekly"})
        submit(driver)

        link(driver, "Roles")
        screenshot(driver, "40-roles")
        link(driver, "New user role")
        fill(driver, {"name": "Editors"})
        driver.find_element(By.CSS_SELECTOR, "input[value='subscribers:get_all']").click()
        screenshot(driver, "41-user-role")
        submit(driver)
        self.assertIn("Saved the user role Editors.", self.text("[role=status]"))
        link(driver, "New list role")
        driver.find_element(By.CSS_SELECTOR, "input[type=radio][value=manage]").click()
        fill(driver, {"name": "Weekly desk"})
        screenshot(driver, "42-list-role")
        submit(driver)

        link(driver, "Subscribers")
        link(driver, "New subscriber")
        fill(driver, {"email": "reader@example.com", "attribs": '{"city": '})
        submit(driver)
        self.assertTrue(self.text("#attribs-error"))
        screenshot(driver, "43-subscriber-attribute-error")
        fill(driver, {"attribs": '{"city": "Bengaluru"}'})
        driver.find_element(By.CSS_SELECTOR, "input[name=lists]").click()
        submit(driver)
        self.assertIn("Created reader@example.com.", self.text("[role=status]"))
        screenshot(driver, "44-subscribers")

        driver.find_element(By.CSS_SELECTOR, "a[aria-label='Edit reader@example.com']").click()
        WebDriverWait(driver, 15).until(lambda _: self.text("h1") == "Edit subscriber")
        self.assertIn("Bengaluru", driver.find_element(By.ID, "attribs").get_attribute("value"))
        screenshot(driver, "47-subscriber-edit")
        link(driver, "Subscribers")

        # A user's edit page and the delete confirmation (which works without JavaScript).
        link(driver, "Users")
        driver.find_element(By.CSS_SELECTOR, "a[aria-label='Edit admin']").click()
        WebDriverWait(driver, 15).until(lambda _: self.text("h1") == "Edit admin")
        screenshot(driver, "48-user-edit")
        driver.get(url + "/admin/roles")
        driver.find_element(By.CSS_SELECTOR, "a[aria-label='Delete Editors']").click()
        WebDriverWait(driver, 15).until(lambda _: self.text("h1").startswith("Delete the role"))
        screenshot(driver, "49-role-delete")
        link(driver, "Subscribers")

        # An import, followed until it ends (the script polls and reloads).
        link(driver, "Import")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as csv:
            csv.write("email,name\n")
            for index in range(2000):
                csv.write(f"person{index}@example.com,Person {index}\n")
            csv.write("not-an-email,Bad\n")
        self.addCleanup(os.unlink, csv.name)
        driver.find_element(By.ID, "file").send_keys(csv.name)
        driver.find_element(By.CSS_SELECTOR, "input[name=lists]").click()
        screenshot(driver, "45-import")
        submit(driver)
        WebDriverWait(driver, 60).until(lambda _: "finished" in self.text("#import-state"))
        self.assertIn("skipping line 2002", self.text("#import-log"))
        screenshot(driver, "46-import-finished")

        # A phone: nothing wider than the screen, navigation still reachable.
        driver.set_window_size(390, 844)
        for path, name in (("/admin/subscribers", "50-phone-subscribers"), ("/admin/users", "51-phone-users")):
            driver.get(url + path)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            self.assertLessEqual(overflow, 0, path)
            self.assertTrue(driver.find_element(By.LINK_TEXT, "Subscribers").is_displayed())
            screenshot(driver, name)


if __name__ == "__main__":
    unittest.main()
