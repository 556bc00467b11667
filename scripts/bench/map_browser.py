#!/usr/bin/env python3
"""Headless Chromium at 1280x800 on the Map page: how long the first view's points take to draw
(fetch, then markercluster's chunked loading), and how long each pan or zoom takes until the new
view is drawn (200 ms of it is the page's wait for the view to settle). Used by scripts/bench/map.sh."""
import argparse
import statistics
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT_DRAWN = """
const done = arguments[arguments.length - 1];
const el = document.getElementById('map');
const started = performance.now();
el.addEventListener('rastro:drawn', () => done({ms: performance.now() - started, fetch: +el.dataset.fetchMs,
  draw: +el.dataset.drawnMs, points: +el.dataset.points}), {once: true});
const map = el.rastroMap;
%s
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--moves", type=int, default=12)
    args = parser.parse_args()
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(120)
    try:
        driver.get(args.base + "/login?next=/map")
        driver.find_element(By.NAME, "user").send_keys(args.user)
        driver.find_element(By.NAME, "password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 120).until(lambda d: d.execute_script(
            "const el = document.getElementById('map'); return el && el.dataset.points !== undefined;"))
        first = driver.execute_script("const el = document.getElementById('map'); return {fetch: +el.dataset.fetchMs, draw: +el.dataset.drawnMs, points: +el.dataset.points};")
        print("browser first view: %d points, fetch %d ms, draw (cluster, chunked) %d ms" % (first["points"], first["fetch"], first["draw"]))
        # The whole country again, timed from the move.
        country = driver.execute_async_script(WAIT_DRAWN % "map.setView([23.6, -102.5], 5.01);")
        print("browser country view again: %d points, move→drawn %d ms (fetch %d, draw %d)"
              % (country["points"], country["ms"], country["fetch"], country["draw"]))
        moves = {"pan": "map.panBy([300, 120], {animate: false});", "zoom in": "map.zoomIn(1, {animate: false});",
                 "zoom out": "map.zoomOut(1, {animate: false});"}
        for name, script in moves.items():
            runs = []
            for index in range(args.moves):
                if name == "zoom in" and index % 4 == 0:
                    driver.execute_async_script(WAIT_DRAWN % "map.setView([20.67, -103.35], 6);")
                if name == "zoom out" and index % 4 == 0:
                    driver.execute_async_script(WAIT_DRAWN % "map.setView([20.67, -103.35], 12);")
                runs.append(driver.execute_async_script(WAIT_DRAWN % script))
            print("browser %-8s n=%2d  move→drawn median %5d ms  (fetch median %4d ms, draw median %4d ms, points median %5d)"
                  % (name, len(runs), statistics.median(r["ms"] for r in runs), statistics.median(r["fetch"] for r in runs),
                     statistics.median(r["draw"] for r in runs), statistics.median(r["points"] for r in runs)))
        errors = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        print("browser console errors: %d" % len(errors))
        for entry in errors[:5]:
            print("  " + entry.get("message", "")[:200])
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
