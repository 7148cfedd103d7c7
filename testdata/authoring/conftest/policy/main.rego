# A conftest policy as conftest users write it: Rego v0, package main,
# suffixed deny_/warn_ rules and an exception.
package main

deny_run_as_root[msg] {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := sprintf("%s: containers must not run as root", [input.metadata.name])
}

warn_no_team[msg] {
  not input.metadata.labels.team
  msg := sprintf("%s has no team label", [input.metadata.name])
}

exception[rules] {
  input.metadata.name == "legacy"
  rules := ["run_as_root"]
}
