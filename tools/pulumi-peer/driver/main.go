// Command cairn-interop-driver runs a real Pulumi program against whatever backend the environment
// names (PULUMI_BACKEND_URL, PULUMI_HOME, PULUMI_CONFIG_PASSPHRASE), through the real `pulumi` CLI.
//
// The module proxy here serves no Pulumi language host at the CLI's version, so the program is an
// Automation API inline program: this process serves the language runtime over gRPC and the CLI
// (`pulumi up --client=…`) runs the engine, the checkpoints and the locks exactly as it does for
// any program. The program needs no provider: it registers component resources only.
//
//	cairn-interop-driver <up|preview|refresh|destroy> --pulumi-root DIR --dir PROJECT --stack NAME
//	    [--components N] [--output-bytes N] [--ready-file F --wait-file F]
//
// With --output-bytes each component also registers a `payload` output of exactly N bytes (the
// benchmarks use it to give the state a realistic size). Its content is deterministic, so a second
// `up` changes nothing, and is hex of a SHA-256 chain seeded by the component's name, so it is not
// one repeated byte that gzip would shrink to nothing (hex compresses to about half).
//
// With --ready-file and --wait-file the program, mid-update (the stack locked, the engine running),
// creates the ready file and waits until the wait file exists: tests use that to act while a real
// `pulumi up` holds the lock, without sleeping for time.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// component is the resource the program creates N of: a component with one child component, so
// the state has parents, and an output that depends on the stack's secret config.
type component struct {
	pulumi.ResourceState
}

type options struct {
	pulumiRoot  string
	dir         string
	stack       string
	components  int
	outputBytes int
	readyFile   string
	waitFile    string
}

func program(opts options) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		secret := cfg.GetSecret("secretValue")
		for i := 0; i < opts.components; i++ {
			parent := &component{}
			name := fmt.Sprintf("c-%d", i)
			if err := ctx.RegisterComponentResource("cairn:interop:Component", name, parent); err != nil {
				return err
			}
			child := &component{}
			if err := ctx.RegisterComponentResource("cairn:interop:Part", name+"-part", child, pulumi.Parent(parent)); err != nil {
				return err
			}
			outputs := pulumi.Map{"index": pulumi.Int(i), "secret": secret}
			if opts.outputBytes > 0 {
				outputs["payload"] = pulumi.String(payload(name, opts.outputBytes))
			}
			if err := ctx.RegisterResourceOutputs(parent, outputs); err != nil {
				return err
			}
		}
		if opts.readyFile != "" {
			if err := os.WriteFile(opts.readyFile, []byte("ready\n"), 0o600); err != nil {
				return err
			}
			for {
				if _, err := os.Stat(opts.waitFile); err == nil {
					break
				}
				time.Sleep(20 * time.Millisecond) // waits on the test's signal file, not for time to pass
			}
		}
		ctx.Export("components", pulumi.Int(opts.components))
		ctx.Export("secretOutput", pulumi.ToSecret(pulumi.String("output-secret-value")))
		ctx.Export("configSecret", secret)
		return nil
	}
}

// payload is n bytes of hex from a SHA-256 chain seeded by seed: the same every run, different
// per component.
func payload(seed string, n int) string {
	out := make([]byte, 0, n+sha256.Size*2)
	sum := sha256.Sum256([]byte(seed))
	for len(out) < n {
		out = hex.AppendEncode(out, sum[:])
		sum = sha256.Sum256(sum[:])
	}
	return string(out[:n])
}

func run(verb string, opts options) (any, error) {
	ctx := context.Background()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: opts.pulumiRoot, SkipVersionCheck: true})
	if err != nil {
		return nil, err
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(opts.dir), auto.Program(program(opts)), auto.Pulumi(cmd))
	if err != nil {
		return nil, err
	}
	stack, err := auto.SelectStack(ctx, opts.stack, ws)
	if err != nil {
		return nil, err
	}
	progress := os.Stderr
	switch verb {
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(progress))
		return map[string]any{"summary": res.Summary, "outputs": res.Outputs}, err
	case "preview":
		res, err := stack.Preview(ctx, optpreview.ProgressStreams(progress))
		return map[string]any{"changeSummary": res.ChangeSummary}, err
	case "refresh":
		res, err := stack.Refresh(ctx, optrefresh.ProgressStreams(progress))
		return map[string]any{"summary": res.Summary}, err
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(progress))
		return map[string]any{"summary": res.Summary}, err
	}
	return nil, fmt.Errorf("unknown command %q (want up, preview, refresh or destroy)", verb)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cairn-interop-driver <up|preview|refresh|destroy> --pulumi-root DIR --dir PROJECT --stack NAME [--components N] [--output-bytes N] [--ready-file F --wait-file F]")
		os.Exit(2)
	}
	verb := os.Args[1]
	flags := flag.NewFlagSet(verb, flag.ExitOnError)
	var opts options
	flags.StringVar(&opts.pulumiRoot, "pulumi-root", "", "directory holding bin/pulumi")
	flags.StringVar(&opts.dir, "dir", ".", "the project directory (with Pulumi.yaml)")
	flags.StringVar(&opts.stack, "stack", "", "the stack to run against (must exist)")
	flags.IntVar(&opts.components, "components", 1, "how many component resources the program creates")
	flags.IntVar(&opts.outputBytes, "output-bytes", 0, "each component also registers a `payload` output of this many bytes")
	flags.StringVar(&opts.readyFile, "ready-file", "", "created mid-update, once the engine is running")
	flags.StringVar(&opts.waitFile, "wait-file", "", "the update waits until this file exists")
	_ = flags.Parse(os.Args[2:])
	if opts.stack == "" || opts.pulumiRoot == "" || (opts.readyFile == "") != (opts.waitFile == "") {
		fmt.Fprintln(os.Stderr, "--stack and --pulumi-root are required; --ready-file and --wait-file go together")
		os.Exit(2)
	}
	result, err := run(verb, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(result)
	fmt.Println(string(out))
}
