"""What the browser tests share: a real `tidings serve` on a fresh SQLite data directory, and
headless Chromium (Debian's chromium and chromedriver) driven by Selenium.

Screenshots go to docs/screenshots/ (committed, shown in the README)."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCREENSHOTS = os.path.join(ROOT, "docs", "screenshots")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`tidings serve` on 127.0.0.1 with a data directory of its own, stopped by `stop()`."""

    def __init__(self, environment=None):
        self.data = tempfile.mkdtemp(prefix="tidings-browser-")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, TIDINGS_DATA_DIR=self.data, TIDINGS_HTTP_ADDRESS=f"127.0.0.1:{port}",
                   TIDINGS_ROOT_URL=self.url, **(environment or {}))
        for name in ("TIDINGS_ADMIN_USER", "TIDINGS_ADMIN_PASSWORD", "TIDINGS_DATABASE_URL"):
            if environment is None or name not in environment:
                env.pop(name, None)
        self.log_path = os.path.join(self.data, "server.log")
        self.log_file = open(self.log_path, "w")
        binary = os.environ.get("TIDINGS_BIN") or os.path.join(ROOT, ".build", "debug", "tidings")
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("tidings did not start:\n" + self.log())

    def log(self):
        with open(self.log_path) as log:
            return log.read()

    def setup_code(self):
        """The one-time setup code the server printed to its log."""
        match = re.search(r"one-time setup code (\S+)", self.log())
        if not match:
            raise AssertionError("no setup code in the log:\n" + self.log())
        return match.group(1)

    def headers(self, path):
        """The response headers of a GET, without following redirects."""
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.url + path, timeout=5) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    def api(self, path, authorization=None, method="GET", body=None):
        """An API call: (status, headers, parsed JSON body or None)."""
        import base64
        import json
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if isinstance(authorization, tuple):
            pair = f"{authorization[0]}:{authorization[1]}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        elif authorization:
            headers["Authorization"] = authorization
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, response_headers, text = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, response_headers, text = error.code, error.headers, error.read()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return status, response_headers, parsed

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log_file.close()
        shutil.rmtree(self.data, ignore_errors=True)


def browser():
    """Headless Chromium with a phone-to-laptop friendly window."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,800",
                     "--disable-gpu", "--lang=en-US"):
        options.add_argument(argument)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(5)
    return driver


def screenshot(driver, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))


def fill(driver, values):
    """Types into the inputs named by `values`' keys (each found by its label's `for` id)."""
    for field, value in values.items():
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)


def follow(driver, element, confirm=False):
    """Clicks `element` and waits until the next page has replaced this one (accepting the
    confirmation dialog first when `confirm`), so that nothing reads the old page by mistake."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    if confirm:
        WebDriverWait(driver, 10).until(expected_conditions.alert_is_present())
        driver.switch_to.alert.accept()
    WebDriverWait(driver, 15).until(lambda _: gone(page))


def gone(element):
    """Whether `element`'s page has been replaced. (Chromium's driver sometimes reports a
    replaced page as "node does not belong to the document" rather than as stale.)"""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def submit(driver, form="main form"):
    """Submits the first form matching `form` (by default the page's own, not the logout form in
    the header) with its button, and waits for the answer."""
    follow(driver, driver.find_element(By.CSS_SELECTOR, f"{form} button[type=submit]"))


def link(driver, text, partial=False):
    """Follows a link by its text."""
    follow(driver, driver.find_element(By.PARTIAL_LINK_TEXT if partial else By.LINK_TEXT, text))


def log_in(driver, url, username, password):
    driver.get(url + "/admin/login")
    fill(driver, {"username": username, "password": password})
    submit(driver)


def log_out(driver):
    follow(driver, driver.find_element(By.CSS_SELECTOR, "header form.logout button[type=submit]"))
