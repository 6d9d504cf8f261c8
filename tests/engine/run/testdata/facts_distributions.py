#!/usr/bin/env python3
"""Writes facts_distributions.json: what Ansible's distribution and lsb facts
are for each set of release files below, by running Ansible's own collectors
(Debian's ansible 2.14, python3-distro 1.8) with those files as /etc, in a
private mount namespace (root, unshare), with and without lsb_release on
PATH. tests/engine/run/facts_test.cc checks hostprep's facts against it.
Run as root from anywhere: python3 facts_distributions.py"""
import json, os, shutil, subprocess, sys, tempfile

DEBIAN12 = ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
            'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'
            'HOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\n'
            'BUG_REPORT_URL="https://bugs.debian.org/"\n')

COLLECT = """
import sys, json, shutil, subprocess
sys.path.insert(0, '/usr/lib/python3/dist-packages')
from ansible.module_utils.facts.system.distribution import DistributionFactCollector
from ansible.module_utils.facts.system.lsb import LSBFactCollector
class M:
    def get_bin_path(self, name, *a, **k): return shutil.which(name)
    def run_command(self, cmd, **kw):
        p = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    def debug(self, *a): pass
d = DistributionFactCollector().collect(M())
d['lsb'] = LSBFactCollector().collect(M()).get('lsb')
print(json.dumps(d, sort_keys=True))
"""

cases = {
 "debian12": {"os-release": DEBIAN12, "debian_version": "12.11\n"},
 "ubuntu2204": {"os-release": 'PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.3 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nUBUNTU_CODENAME=jammy\n',
   "lsb-release": 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.3 LTS"\n', "debian_version": "bookworm/sid\n"},
 "rocky9": {"os-release": 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\nANSI_COLOR="0;32"\n',
   "redhat-release": "Rocky Linux release 9.3 (Blue Onyx)\n", "rocky-release": "Rocky Linux release 9.3 (Blue Onyx)\n", "system-release": "Rocky Linux release 9.3 (Blue Onyx)\n"},
 "alma8": {"os-release": 'NAME="AlmaLinux"\nVERSION="8.9 (Midnight Oncilla)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="AlmaLinux 8.9 (Midnight Oncilla)"\n',
   "redhat-release": "AlmaLinux release 8.9 (Midnight Oncilla)\n", "almalinux-release": "AlmaLinux release 8.9 (Midnight Oncilla)\n"},
 "centos7": {"os-release": 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n',
   "centos-release": "CentOS Linux release 7.9.2009 (Core)\n", "redhat-release": "CentOS Linux release 7.9.2009 (Core)\n", "system-release": "CentOS Linux release 7.9.2009 (Core)\n"},
 "centos9stream": {"os-release": 'NAME="CentOS Stream"\nVERSION="9"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\nPRETTY_NAME="CentOS Stream 9"\n',
   "centos-release": "CentOS Stream release 9\n", "redhat-release": "CentOS Stream release 9\n"},
 "rhel9": {"os-release": 'NAME="Red Hat Enterprise Linux"\nVERSION="9.3 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"\n',
   "redhat-release": "Red Hat Enterprise Linux release 9.3 (Plow)\n"},
 "fedora39": {"os-release": 'NAME="Fedora Linux"\nVERSION="39 (Server Edition)"\nID=fedora\nVERSION_ID=39\nVERSION_CODENAME=""\nPRETTY_NAME="Fedora Linux 39 (Server Edition)"\n',
   "fedora-release": "Fedora release 39 (Thirty Nine)\n", "redhat-release": "Fedora release 39 (Thirty Nine)\n"},
 "leap155": {"os-release": 'NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.5"\nPRETTY_NAME="openSUSE Leap 15.5"\n'},
 "sles15": {"os-release": 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\nID="sles"\nID_LIKE="suse"\n'},
 "alpine319": {"os-release": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n', "alpine-release": "3.19.1\n"},
 "amazon2023": {"os-release": 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.3.20240131"\n',
   "system-release": "Amazon Linux release 2023.3.20240131 (Amazon Linux)\n", "amazon-linux-release": "Amazon Linux release 2023.3.20240131 (Amazon Linux)\n"},
 "amazon2": {"os-release": 'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\nPRETTY_NAME="Amazon Linux 2"\n',
   "system-release": "Amazon Linux release 2 (Karoo)\n"},
 "arch": {"os-release": 'NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n', "arch-release": ""},
 "flatcar": {"os-release": 'NAME="Flatcar Container Linux by Kinvolk"\nID=flatcar\nID_LIKE=coreos\nVERSION=3760.2.0\nVERSION_ID=3760.2.0\nBUILD_ID=2024-01-10-1946\nPRETTY_NAME="Flatcar Container Linux by Kinvolk 3760.2.0 (Oklo)"\n'},
 "oracle8": {"os-release": 'NAME="Oracle Linux Server"\nVERSION="8.9"\nID="ol"\nID_LIKE="fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="Oracle Linux Server 8.9"\n',
   "oracle-release": "Oracle Linux Server release 8.9\n", "redhat-release": "Red Hat Enterprise Linux release 8.9 (Ootpa)\n"},
 "mint21": {"os-release": 'NAME="Linux Mint"\nVERSION="21.2 (Victoria)"\nID=linuxmint\nID_LIKE="ubuntu debian"\nPRETTY_NAME="Linux Mint 21.2"\nVERSION_ID="21.2"\nVERSION_CODENAME=victoria\nUBUNTU_CODENAME=jammy\n',
   "lsb-release": "DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21.2\nDISTRIB_CODENAME=victoria\nDISTRIB_DESCRIPTION=\"Linux Mint 21.2 Victoria\"\n", "debian_version": "bookworm/sid\n"},
 "nothing": {},
 "odd": {"os-release": "ID='my distro'\nVERSION_ID=\"1.2.3\\\"x\" # comment\nNAME=Odd\\ Linux\nbroken \"quote\n", "foo_version": "Foo v9.1 (cool)\n"},
}

def collect(etc, lsb):
    shell = ('mount -t tmpfs none /etc && cp -a "$0"/. /etc/ && mount --bind /dev/null /usr/lib/os-release && '
             'PATH="$1" exec /usr/bin/python3 -c "$2"')
    path = "/usr/bin:/bin" if lsb else "/nonexistent"
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", shell, etc, path, COLLECT],
                       capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else None

rows = []
with tempfile.TemporaryDirectory() as tmp:
    for name, files in cases.items():
        etc = os.path.join(tmp, name)
        os.makedirs(etc)
        for f, text in files.items():
            with open(os.path.join(etc, f), "w") as out:
                out.write(text)
        for lsb in (False, True):
            # Debian's lsb_release reads os-release only: not the Python one of Ubuntu or Mint
            if lsb and "lsb-release" in files:
                continue
            facts = collect(etc, lsb)
            if facts is None:
                continue  # Ansible fails on it (an unclosed quote)
            rows.append({"name": name + (" (lsb_release installed)" if lsb else ""),
                         "files": {"/etc/" + k: t for k, t in files.items()},
                         "lsb_release": lsb, "facts": facts})
doc = {"about": "Ansible 2.14.18 DistributionFactCollector and LSBFactCollector (python3-distro 1.8.0, "
                "Debian 12 lsb_release) run with these files as /etc in a private mount namespace, "
                "/usr/lib/os-release empty: tests/engine/run/testdata/facts_distributions.py",
       "rows": rows}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "facts_distributions.json"), "w") as out:
    json.dump(doc, out, indent=1, sort_keys=True)
    out.write("\n")
print(len(rows), "rows")
