using System.Collections;
using Coder.Cli.Commands;
using Coder.Cli.Config;
using Coder.Cli.Output;

var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
var context = new CliContext(CliConsole.FromProcess(environment), new ConfigStore(environment), TimeProvider.System);
return await CoderCommandLine.Build(context).Parse(args).InvokeAsync();
