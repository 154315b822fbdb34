//! `motics-sandbox [--port N]`: the local HTTPS Cliniko/Nookal/Motics stand-in (see tests/sandbox/README.md).

fn main() {
    let mut port: u16 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--port" => args.next(),
            a if a.starts_with("--port=") => Some(a["--port=".len()..].to_string()),
            "-h" | "--help" => {
                println!(
                    "usage: motics-sandbox [--port N]   (default 0 = ephemeral; binds 127.0.0.1)"
                );
                return;
            }
            other => {
                eprintln!("motics-sandbox: unknown argument {other:?}");
                std::process::exit(2);
            }
        };
        match value.and_then(|v| v.parse().ok()) {
            Some(p) => port = p,
            None => {
                eprintln!("motics-sandbox: --port needs a number");
                std::process::exit(2);
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("motics-sandbox: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(motics_sandbox::server::run(port)) {
        eprintln!("motics-sandbox: {e}");
        std::process::exit(1);
    }
}
