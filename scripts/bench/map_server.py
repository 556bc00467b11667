#!/usr/bin/env python3
"""Times the map's JSON endpoints, one request at a time on one keep-alive connection, signed in
through the workbench's form. Prints one line per kind of request: median, p95, and what came back.
Standard library only. Used by scripts/bench/map.sh."""
import argparse
import http.client
import json
import random
import re
import statistics
import time
import urllib.parse

# View sizes (degrees of longitude × latitude) and where to pan them: Mexico's populated extent.
VIEWS = [("country", 32.0, 19.0), ("state", 4.0, 3.0), ("city", 0.5, 0.4), ("street", 0.06, 0.04)]
EXTENT = (-117.0, 15.0, -87.0, 32.0)


class Session:
    def __init__(self, base):
        url = urllib.parse.urlparse(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(k + "=" + v for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, data, elapsed

    def sign_in(self, user, password):
        status, page, _ = self.request("GET", "/login")
        token = re.search(rb'name="_csrf" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"user": user, "password": password, "_csrf": token, "next": "/"})
        status, _, _ = self.request("POST", "/login", form)
        if status != 303 or "rastro_session" not in self.cookies:
            raise SystemExit("map_server.py: sign-in failed (%d)" % status)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def line(name, times, note):
    ms = [t * 1000 for t in times]
    print("%-28s n=%4d  median %7.1f ms  p95 %7.1f ms  max %7.1f ms  %s"
          % (name, len(ms), statistics.median(ms), percentile(ms, 0.95), max(ms), note))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    random.seed(8)
    session = Session(args.base)
    session.sign_in(args.user, args.password)
    consignments = set()
    # Warm-up: the first answer decodes the last analysis (areas) once per organization.
    session.request("GET", "/map/data.json?bbox=%f,%f,%f,%f" % EXTENT)
    for name, width, height in VIEWS:
        times, points, legs, sampled = [], [], [], 0
        for _ in range(args.rounds):
            west = random.uniform(EXTENT[0], max(EXTENT[0], EXTENT[2] - width))
            south = random.uniform(EXTENT[1], max(EXTENT[1], EXTENT[3] - height))
            bbox = "%.5f,%.5f,%.5f,%.5f" % (west, south, west + width, south + height)
            status, data, elapsed = session.request("GET", "/map/data.json?bbox=" + bbox)
            if status != 200:
                raise SystemExit("map_server.py: %s answered %d" % (bbox, status))
            answer = json.loads(data)
            times.append(elapsed)
            points.append(len(answer["points"]["items"]))
            legs.append(len(answer["legs"]["items"]))
            sampled += 0 if answer["points"]["complete"] else 1
            consignments.update(leg["consignment"] for leg in answer["legs"]["items"] if leg.get("consignment"))
        line("data.json " + name, times, "points median %d (sampled in %d%% of views), legs median %d"
             % (statistics.median(points), 100 * sampled // len(times), statistics.median(legs)))
    times, features = [], []
    for consignment in sorted(consignments)[: args.rounds]:
        status, data, elapsed = session.request("GET", "/consignments/%s/route.geojson" % urllib.parse.quote(consignment))
        if status != 200:
            raise SystemExit("map_server.py: route of %s answered %d" % (consignment, status))
        times.append(elapsed)
        features.append(len(json.loads(data)["features"]))
    if times:
        line("route.geojson", times, "features median %d" % statistics.median(features))


if __name__ == "__main__":
    main()
