import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export interface DovecotConfigInput {
  dir: string;
  port: number;
  /** When set, ssl = yes: the plain port offers STARTTLS and this port speaks implicit TLS. */
  tlsPort?: number;
  asRoot: boolean;
}

/**
 * The working private Dovecot config from shared/reference/mail-lab.md §2.1: everything
 * under `dir`, no chroot (fails unprivileged), plaintext LOGIN, fsync off (test server).
 * As root, Dovecot refuses to run its login processes as root, so the Debian package
 * users are used and mail is owned by nobody.
 */
export function dovecotConfig(input: DovecotConfigInput): string {
  const { dir, port, tlsPort, asRoot } = input;
  const me = userInfo().username;
  const internalUser = asRoot ? 'dovecot' : me;
  const internalGroup = asRoot ? 'dovecot' : groupName();
  const loginUser = asRoot ? 'dovenull' : me;
  const mailUid = asRoot ? 'nobody' : me;
  const mailGid = asRoot ? 'nogroup' : groupName();
  const tls = tlsPort
    ? `
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
`
    : '\nssl = no\n';
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = bpfci-test-${port}
log_path = ${dir}/dovecot.log
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
default_login_user = ${loginUser}
${tls}
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/home/%n
}
mail_location = maildir:~/Maildir
first_valid_uid = 1
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
  mailbox Lists/bpf {
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort ?? 0}
  }
  chroot =
}
service anvil {
  chroot =
}
service imap-urlauth-login {
  chroot =
}
`;
}

/** Node has no getgrgid: the caller's primary group name comes from /etc/group. */
function groupName(): string {
  const gid = process.getgid?.() ?? 0;
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && Number(id) === gid) return name;
  }
  return String(gid);
}
