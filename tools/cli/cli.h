/*
 * cli.h - the subcommands of the `bitnet` command line tool, one file each in tools/cli/.
 * Each takes the arguments after its name (argv[0] is the subcommand) and returns the
 * process exit status.
 */
#ifndef BN_TOOLS_CLI_H
#define BN_TOOLS_CLI_H

int bn_cli_inspect(int argc, char **argv);
int bn_cli_gen(int argc, char **argv);
int bn_cli_convert(int argc, char **argv);
int bn_cli_load(int argc, char **argv);
int bn_cli_run(int argc, char **argv);
int bn_cli_chat(int argc, char **argv);
int bn_cli_tokenize(int argc, char **argv);
int bn_cli_bench(int argc, char **argv);

#endif /* BN_TOOLS_CLI_H */
