// The no-stray-writes test trusts this reading of strace's lines: the lines below are the shapes strace 6
// printed for the CLI (-y, -s 4096), plus the awkward cases a path or a socket can bring.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isLocal, judge } from '../helpers/strayWrites';
import { parseLine, readTrace, splitArgs, subtreeOf, unquote } from '../helpers/syscallTrace';

const changed = (line: string) => (parseLine(line, '/cwd').change ?? []).map((c) => c.path);

test('opens count only with a write flag, and only when they succeed', () => {
  const open = (flags: string, ret = '19</w/f>') => changed(`openat(AT_FDCWD</w>, "/w/f", ${flags}, 0666) = ${ret}`);
  assert.deepEqual(open('O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC'), ['/w/f']);
  assert.deepEqual(open('O_RDWR|O_CLOEXEC'), ['/w/f']);
  assert.deepEqual(open('O_WRONLY|O_APPEND'), ['/w/f']);
  assert.deepEqual(open('O_RDONLY|O_CLOEXEC'), []);
  assert.deepEqual(open('O_WRONLY|O_CREAT', '-1 EACCES (Permission denied)'), []);
  assert.deepEqual(changed('creat("/x/y", 0644) = 3</x/y>'), ['/x/y']);
  assert.deepEqual(changed('openat2(AT_FDCWD</w>, "g", {flags=O_WRONLY|O_CREAT, mode=0600, resolve=0}, 24) = 3'), [
    '/w/g',
  ]);
});

test('relative paths resolve against the descriptor strace names, else the working folder', () => {
  assert.deepEqual(changed('openat(5</data/dir>, "f.tmp", O_RDWR|O_CREAT, 0600) = 6</data/dir/f.tmp>'), [
    '/data/dir/f.tmp',
  ]);
  assert.deepEqual(changed('openat(AT_FDCWD</home/u>, "../v/x", O_WRONLY|O_CREAT, 0666) = 3'), ['/home/v/x']);
  assert.deepEqual(changed('mkdir("rel", 0777) = 0'), ['/cwd/rel']);
  assert.deepEqual(changed('symlinkat("target", AT_FDCWD</w>, "link") = 0'), ['/w/link']);
  assert.deepEqual(changed('linkat(AT_FDCWD</a>, "old", 7</b>, "new", 0) = 0'), ['/b/new']);
});

test('rename names both ends; removals, folders and failures', () => {
  assert.deepEqual(changed('rename("/r/run.json.1.tmp", "/r/run.json") = 0'), ['/r/run.json.1.tmp', '/r/run.json']);
  assert.deepEqual(changed('renameat2(AT_FDCWD</w>, "a", AT_FDCWD</w>, "b", RENAME_NOREPLACE) = 0'), ['/w/a', '/w/b']);
  assert.deepEqual(changed('unlinkat(AT_FDCWD</w>, "/h/.cache", AT_REMOVEDIR) = 0'), ['/h/.cache']);
  assert.deepEqual(changed('unlink("/h/x") = 0'), ['/h/x']);
  assert.deepEqual(changed('mkdir("/tmp", 0777) = -1 EEXIST (File exists)'), []);
  assert.deepEqual(changed('stat("/h/x", {st_mode=S_IFREG|0644, st_size=3, ...}) = 0'), []);
});

test('quoted paths: escapes, non-ASCII bytes and commas', () => {
  assert.equal(unquote('"/tmp/caf\\303\\251"'), '/tmp/café');
  assert.equal(unquote('"a\\"b\\\\c\\n"'), 'a"b\\c\n');
  assert.equal(unquote('"\\x41\\x42"'), 'AB');
  assert.deepEqual(changed('openat(AT_FDCWD</w>, "a,b", O_WRONLY|O_CREAT, 0666) = 3'), ['/w/a,b']);
  assert.deepEqual(splitArgs('3<UNIX:[5->6]>, "x, y", {a=1, b=2}, 16'), [
    '3<UNIX:[5->6]>',
    '"x, y"',
    '{a=1, b=2}',
    '16',
  ]);
});

test('connections: family and address, loopback and Unix sockets are local, failures still count', () => {
  const conn = (line: string) => parseLine(line, '/').connection;
  const remote = conn(
    'connect(20<TCP:[123]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("20.42.65.85")}, 16) = -1 EINPROGRESS (Operation now in progress)',
  )!;
  assert.deepEqual(remote, { syscall: 'connect', family: 'AF_INET', address: '20.42.65.85 port 443' });
  assert.equal(isLocal(remote), false);
  const v6 = conn(
    'connect(3<UDPv6:[1]>, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
  )!;
  assert.equal(isLocal(v6), true);
  const unix = conn('connect(3<UNIX:[5->6]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT');
  assert.equal(isLocal(unix!), true);
  assert.equal(
    isLocal(conn('connect(4, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0')!),
    true,
  );
  const udp = conn(
    'sendto(5, "\\1\\2", 2, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 2',
  );
  assert.equal(isLocal(udp!), false);
  assert.equal(conn('sendto(3<UNIX:[5->6]>, "x", 1, MSG_NOSIGNAL, NULL, 0) = 1'), undefined);
});

test('judge: outside the allowed folders, under HOME, and the folders leading to an allowed one', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-judge-'));
  try {
    const at = (p: string, syscall = 'openat') => ({ syscall, path: p });
    const trace = {
      changes: [
        at('/w/runs/r/run.json'),
        at('/w', 'mkdir'),
        at('/w/other', 'mkdir'),
        at(path.join(home, '.cache/x/deviceid')),
      ],
      connections: [{ syscall: 'connect', family: 'AF_INET', address: '10.0.0.1 port 443' }],
    };
    const v = judge(trace, ['/w/runs'], home);
    assert.equal(v.changes, 4);
    assert.deepEqual(v.outside, [`openat ${path.join(home, '.cache/x/deviceid')}`, 'mkdir /w/other'].sort());
    assert.deepEqual(v.underHome, [path.join(home, '.cache/x/deviceid')]);
    assert.deepEqual(v.remote, ['connect AF_INET 10.0.0.1 port 443']);
    // A file left under HOME counts even when the trace missed it.
    fs.writeFileSync(path.join(home, 'left'), '');
    assert.deepEqual(judge({ changes: [], connections: [] }, [], home).underHome, [path.join(home, 'left')]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('subtreeOf: the process whose execve matched, and every thread and process cloned from it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-subtree-'));
  try {
    const files: Record<number, string[]> = {
      10: ['clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD) = 20', 'clone3({flags=CLONE_VM}, 88) = 11'],
      11: ['openat(AT_FDCWD</w>, "host.log", O_WRONLY|O_CREAT, 0666) = 3'],
      20: [
        'execve("/usr/bin/node", ["/usr/bin/node", "/x/dist/trainer.js"], 0x7ffd /* 30 vars */) = 0',
        'clone3({flags=CLONE_VM|CLONE_THREAD, stack=0x7f, stack_size=0x7f}, 88) = 21',
      ],
      21: [
        'clone(child_stack=NULL, flags=SIGCHLD) = 30',
        'openat(AT_FDCWD</w>, "run.json", O_WRONLY|O_CREAT, 0666) = 3',
      ],
      30: ['mkdir("/w/cache", 0777) = 0'],
    };
    for (const [tid, lines] of Object.entries(files)) fs.writeFileSync(path.join(dir, `t.${tid}`), lines.join('\n'));
    const tree = subtreeOf(path.join(dir, 't'), /dist\/trainer\.js/);
    assert.deepEqual([...tree].sort(), [20, 21, 30]);
    const changed = readTrace(path.join(dir, 't'), '/', tree).changes.map((c) => c.path);
    assert.deepEqual(changed.sort(), ['/w/cache', '/w/run.json']);
    assert.equal(subtreeOf(path.join(dir, 't'), /nothing-ran-this/).size, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
