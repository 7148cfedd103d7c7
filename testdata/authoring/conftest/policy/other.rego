package other

deny[msg] {
  input.kind == "Service"
  msg := "services are not allowed here"
}
