
import importlib.metadata as md, json, platform, subprocess, sys
recipe, whitelist = sys.argv[1], json.loads(sys.argv[2])
dists = {}
for d in md.distributions():
    name = d.metadata["Name"]
    if name:
        dists[name.lower()] = d.version
libs = []
for item in whitelist:
    version = dists.get(item["distribution"].lower())
    if version is None:
        sys.exit("manifest: whitelisted library %s is not installed" % item["distribution"])
    __import__(item["importName"])
    libs.append({"distribution": item["distribution"], "importName": item["importName"], "version": version})
debs = {}
out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\n"], capture_output=True, text=True, check=True).stdout
for line in out.splitlines():
    name, _, version = line.partition("\t")
    debs[name] = version
os_release = dict(l.split("=", 1) for l in open("/etc/os-release").read().splitlines() if "=" in l)
print(json.dumps({
    "schema": 1,
    "recipeHash": recipe,
    "python": platform.python_version(),
    "os": os_release.get("PRETTY_NAME", "").strip('"'),
    "libraries": libs,
    "pythonDistributions": dict(sorted(dists.items())),
    "debianPackages": debs,
}, indent=1))
