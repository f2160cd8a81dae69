//! moto with our extension (`stacks/tests/moto_ext`), one server per test on a free loopback
//! port, killed when dropped.
//!
//! moto is installed into the repository by `scripts/setup-tools`; when it is missing the
//! test fails and says so, because a skipped deploy test proves nothing.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const STARTUP: Duration = Duration::from_secs(90);

pub(crate) struct Moto {
    child: Child,
    pub(crate) url: String,
    log: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Moto {
    /// Starts `python -m moto_ext` and waits until it answers.
    pub(crate) fn start(logs: &Path) -> Moto {
        let python = repo_root().join(".venv-aws/bin/python");
        assert!(
            python.is_file(),
            "moto is not installed at {}: run scripts/setup-tools",
            python.display()
        );
        let port = free_port();
        let log = logs.join(format!("moto-{port}.log"));
        let file = File::create(&log).expect("moto log file");
        let child = Command::new(python)
            .args(["-m", "moto_ext", "-H", "127.0.0.1", "-p", &port.to_string()])
            .env(
                "PYTHONPATH",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
            )
            // No __pycache__ left in the source tree.
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log handle"))
            .stderr(file)
            .spawn()
            .expect("moto_ext starts");
        let mut moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        moto.wait_ready(port);
        moto
    }

    fn wait_ready(&mut self, port: u16) {
        let deadline = Instant::now() + STARTUP;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("moto_ext exited with {status}:\n{}", self.log_text());
            }
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "moto_ext did not answer within {STARTUP:?}:\n{}",
            self.log_text()
        );
    }

    /// The server's log, for failure messages.
    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
