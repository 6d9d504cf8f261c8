#!/usr/bin/python3
"""Renders containerd.toml.j2 with Ansible's own Templar, as its template
module does (trailing newlines kept, backslashes as written), N times in one
process: the Ansible side of bench/template.sh. Prints the output once on
stdout and the time per render on stderr, in the words hostprep template
--repeat uses."""
import os
import sys
import time

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

here = os.path.dirname(os.path.abspath(__file__))
renders = int(sys.argv[1]) if len(sys.argv) > 1 else 1
with open(os.path.join(here, 'vars.yml')) as f:
    variables = yaml.safe_load(f)
variables['ansible_managed'] = 'Ansible managed'
with open(os.path.join(here, 'containerd.toml.j2')) as f:
    source = f.read()
templar = Templar(loader=DataLoader(), variables=variables)
start = time.perf_counter()
for _ in range(renders):
    out = templar.template(source, preserve_trailing_newlines=True, escape_backslashes=False)
seconds = time.perf_counter() - start
sys.stdout.write(out)
sys.stderr.write('rendered %d time%s in %.6f s: %.6f ms per render\n'
                 % (renders, '' if renders == 1 else 's', seconds, seconds * 1000 / renders))
