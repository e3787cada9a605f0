"""A real browser (Debian's chromium through Selenium and /usr/bin/chromedriver; nothing downloaded) against a real
server on loopback: the clerk uploads a workbook with a broken total, sees the finding, downloads the marked
workbook; uploads the corrected one, writes a 说明 for its warning and submits; the office logs in and sees the
agency as submitted. Screenshots of the pages are taken every run; with GAIP_UPDATE_DOCS=1 they replace those in
docs/ (a test run never changes the source tree otherwise)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from builders import consistent_report
from service_server import free_port, make_collection, start_server, stop_server
from service_support import OFFICE_PASSWORD, OFFICE_USER, report_workbook

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AGENCY = "甲镇人民政府"

pytestmark = pytest.mark.skipif(not CHROMEDRIVER.exists() or shutil.which("chromium") is None,
                                reason="Debian's chromium and chromium-driver are not installed (.ci/run does)")


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1360,1000",
                     f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def workbook(tmp_path: Path, broken: bool) -> Path:
    report = consistent_report("2021", random.Random(42), 2024)
    report.agency.name, report.agency.level = AGENCY, "乡镇"
    if broken:
        report.figures["s3.total.natural"] += 1
    else:
        report.figures["s2_item1.rules.issued"] = None  # one warning (B1) to explain
    return report_workbook(tmp_path, report, "broken" if broken else "fixed")


def screenshot(browser, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    browser.save_screenshot(str(path))
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    if os.environ.get("GAIP_UPDATE_DOCS") == "1":
        shutil.copyfile(path, DOCS / name)


def wait_for(browser, predicate, seconds: float = 20.0):
    """Selenium's own wait, which retries while the page is between two documents: a click that submits a form
    leaves a moment with no <body>, and an element read just before the new page replaces it goes stale."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, seconds, poll_frequency=0.1, ignored_exceptions=ignored).until(
        lambda _driver: predicate())


def page_text(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "body").text


def test_clerk_checks_downloads_explains_submits_and_office_sees_it(browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    data = tmp_path / "data"
    tokens = make_collection(data, [AGENCY, "乙镇人民政府", "丙镇人民政府"], 2024)
    subprocess.run([sys.executable, "-m", "gaip_xl", "serve", "--data", str(data), "--create-office-user",
                    OFFICE_USER, "--password-stdin"], input=OFFICE_PASSWORD + "\n", text=True, check=True,
                   capture_output=True)
    port = free_port()
    server = start_server(data, port)
    base = f"http://127.0.0.1:{port}"
    try:
        browser.get(f"{base}/a/{tokens[AGENCY]}")
        browser.find_element(By.NAME, "file").send_keys(str(workbook(tmp_path, broken=True)))
        browser.find_element(By.CSS_SELECTOR, "input[type=submit].primary").click()
        wait_for(browser, lambda: "校验结果" in browser.title)
        page = page_text(browser)
        assert "不通过" in page and "R1" in page and "'三、依申请公开'!D6、D7、D29、D30" in page
        assert "有错误的报告不能提交" in page
        screenshot(browser, tmp_path, "service-clerk-errors.png")
        browser.find_element(By.LINK_TEXT, "标注了问题的工作簿").click()
        marked = wait_for(browser, lambda: [p for p in browser.downloads.glob("*.xlsx")])  # type: ignore[attr-defined]
        book = load_workbook(marked[0])
        assert "校验结果" in book.sheetnames and book["三、依申请公开"]["D29"].comment is not None

        browser.get(f"{base}/a/{tokens[AGENCY]}")
        browser.find_element(By.NAME, "file").send_keys(str(workbook(tmp_path, broken=False)))
        browser.find_element(By.CSS_SELECTOR, "input[type=submit].primary").click()
        wait_for(browser, lambda: "校验结果" in browser.title)
        assert "通过（有警告）" in page_text(browser)
        browser.find_element(By.NAME, "text_0").send_keys("本机关为乡镇，无权制定规章，此项不适用")
        screenshot(browser, tmp_path, "service-clerk-explain.png")
        browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
        wait_for(browser, lambda: "已提交，保存为第 1 版" in page_text(browser))

        browser.get(f"{base}/office/login")
        browser.find_element(By.NAME, "name").send_keys(OFFICE_USER)
        browser.find_element(By.NAME, "password").send_keys(OFFICE_PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        wait_for(browser, lambda: "收集管理" in page_text(browser))
        browser.find_element(By.LINK_TEXT, "测试").click()

        def rows_by_agency() -> dict[str, str]:
            return {row.text.split(" ")[0]: row.text for row in browser.find_elements(By.CSS_SELECTOR, "table tr")}

        # wait for the collection's own rows, not a table left over from the page before the click
        wait_for(browser, lambda: AGENCY in rows_by_agency())
        text = rows_by_agency()
        assert "已提交·警告已说明" in text[AGENCY] and "第 1 版" in text[AGENCY]
        assert "未提交" in text["乙镇人民政府"]
        screenshot(browser, tmp_path, "service-office.png")
    finally:
        stop_server(server)
