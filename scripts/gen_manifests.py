#!/usr/bin/env python3
"""Generate N Kubernetes documents (mixed kinds, about one in five violating
PSS baseline) into DIR, 100 documents per file. Prints the number of
documents and of workload documents (those the PSS rules apply to).
  gen_manifests.py N DIR [PER_FILE] [hardened]
`hardened`: every container also sets seccompProfile RuntimeDefault, so
every workload carries a PSS rule's trigger key."""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 100
hardened = len(sys.argv) > 4 and sys.argv[4] == "hardened"
os.makedirs(out, exist_ok=True)

def pod_spec(i, bad):
    sc = "privileged: true" if bad else "allowPrivilegeEscalation: false"
    host = "\n      hostNetwork: true" if bad and i % 2 else ""
    seccomp = "seccompProfile: {type: RuntimeDefault}\n            " if hardened else ""
    return f"""    spec:{host}
      containers:
        - name: app-{i}
          image: registry.example/app:{i % 97}
          ports:
            - containerPort: 8080
          securityContext:
            {sc}
            {seccomp}capabilities:
              drop: [ALL]
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
"""

def doc(i):
    bad = i % 5 == 0
    k = i % 4
    if k == 0:
        return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: ns-{i % 50}
  labels: {{app: web-{i}}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
""" + pod_spec(i, bad).replace("\n    ", "\n    ", -1)
    if k == 1:
        return f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: ns-{i % 50}
spec:
  selector: {{app: web-{i}}}
  ports:
    - port: 80
      targetPort: 8080
"""
    if k == 2:
        return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-{i}
  namespace: ns-{i % 50}
data:
  LOG_LEVEL: info
  FEATURE_X: "true"
"""
    return f"""apiVersion: batch/v1
kind: Job
metadata:
  name: job-{i}
  namespace: ns-{i % 50}
spec:
  template:
""" + pod_spec(i, bad)

workloads = 0
for f in range(0, n, per_file):
    with open(os.path.join(out, f"m{f // per_file:06d}.yaml"), "w") as fh:
        docs = []
        for i in range(f, min(n, f + per_file)):
            if i % 4 in (0, 3):
                workloads += 1
            docs.append(doc(i))
        fh.write("---\n".join(docs))
print(n, workloads)
