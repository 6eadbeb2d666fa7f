// Shell completion scripts for bash, zsh and fish, written from the command table itself: each
// command's options (their parseArgs types), its actions (the first word after the command in a
// synopsis line, e.g. `devices approve ID`) and the values an option takes (`--sort
// name|size|created`). A command added to the table completes with no change here. File names are
// completed wherever nothing more specific applies. Tokens are not: that would start the engine on
// every Tab.

import type { ParseArgsConfig } from 'node:util';
import type { CommandSpec } from './command-spec.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

type Options = NonNullable<ParseArgsConfig['options']>;

interface CompletedCommand {
  name: string;
  summary: string;
  actions: string[];
  /** Every spelling of every option: --long and -s. */
  options: string[];
  /** The spellings that take a value. */
  valued: string[];
  /** Values an option takes, by its --long spelling. */
  choices: Record<string, string[]>;
}

interface CompletionTable {
  program: string;
  commands: CompletedCommand[];
  globals: string[];
  globalValued: string[];
}

export function completionScript(
  shell: Shell,
  program: string,
  commands: readonly CommandSpec[],
  globalOptions: Options,
): string {
  const table = completionTable(program, commands, globalOptions);
  switch (shell) {
    case 'bash':
      return bashScript(table);
    case 'zsh':
      return zshScript(table);
    case 'fish':
      return fishScript(table);
  }
}

function completionTable(
  program: string,
  commands: readonly CommandSpec[],
  globalOptions: Options,
): CompletionTable {
  const globals = spellings(globalOptions, () => true);
  const globalValued = spellings(globalOptions, (type) => type === 'string');
  return {
    program,
    globals,
    globalValued,
    commands: commands.map((command) => {
      const lines = typeof command.synopsis === 'string' ? [command.synopsis] : command.synopsis;
      const actions = new Set<string>();
      const choices: Record<string, string[]> = {};
      for (const line of lines) {
        const action = /^\[?([a-z][a-z0-9-]*)\]?$/.exec(line.split(/\s+/)[1] ?? '')?.[1];
        if (action) actions.add(action);
        for (const match of line.matchAll(/(--[a-z][a-z0-9-]*) ([a-z0-9-]+(?:\|[a-z0-9-]+)+)/g))
          choices[match[1]!] = match[2]!.split('|');
      }
      const own = command.options ?? {};
      return {
        name: command.name,
        summary: command.summary,
        actions: [...actions],
        options: spellings(own, () => true),
        valued: spellings(own, (type) => type === 'string'),
        choices,
      };
    }),
  };
}

function spellings(options: Options, keep: (type: 'string' | 'boolean') => boolean): string[] {
  return Object.entries(options).flatMap(([name, option]) =>
    keep(option.type) ? [`--${name}`, ...(option.short ? [`-${option.short}`] : [])] : [],
  );
}

/** A shell-safe name for the completion functions (`privicore-vault` → `privicore_vault`). */
function functionName(program: string): string {
  return program.replace(/[^A-Za-z0-9]/g, '_');
}

function bashScript(table: CompletionTable): string {
  const fn = `_${functionName(table.program)}`;
  const cases = table.commands.flatMap((command) => {
    const choiceCases = Object.entries(command.choices).map(
      ([option, values]) =>
        `        ${option}) COMPREPLY=($(compgen -W '${values.join(' ')}' -- "$cur")); return 0 ;;`,
    );
    const assignments = (
      [
        ['options', command.options],
        ['valued', command.valued],
        ['actions', command.actions],
      ] as const
    ).flatMap(([name, words]) => (words.length > 0 ? [`      ${name}='${words.join(' ')}'`] : []));
    if (assignments.length === 0) return [];
    return [
      [
        `    ${command.name})`,
        ...assignments,
        ...(choiceCases.length > 0 ? ['      case "$prev" in', ...choiceCases, '      esac'] : []),
        '      ;;',
      ].join('\n'),
    ];
  });
  return `# bash completion for ${table.program}. Load it in this shell with
#   source <(${table.program} completion bash)
# or for every shell: ${table.program} completion bash > ~/.local/share/bash-completion/completions/${table.program}

${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local globals='${table.globals.join(' ')}'
  local global_valued=' ${table.globalValued.join(' ')} '
  local i word cmd='' cmd_at=0 skip=''
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -n $skip ]]; then skip=''; continue; fi
    if [[ $global_valued == *" $word "* ]]; then skip=1; continue; fi
    if [[ $word != -* ]]; then cmd="$word"; cmd_at=$i; break; fi
  done
  if [[ -z $cmd ]]; then
    [[ $global_valued == *" $prev "* ]] && return 0
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$globals" -- "$cur"))
    else
      COMPREPLY=($(compgen -W '${table.commands.map((command) => command.name).join(' ')}' -- "$cur"))
    fi
    return 0
  fi
  local options='' valued='' actions=''
  case "$cmd" in
${cases.join('\n')}
  esac
  valued=" $valued $global_valued "
  # A value of an option: file names (complete -o default), unless listed above.
  [[ $valued == *" $prev "* ]] && return 0
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options $globals" -- "$cur"))
    return 0
  fi
  if [[ -n $actions ]]; then
    local positionals=0
    skip=''
    for ((i = cmd_at + 1; i < COMP_CWORD; i++)); do
      word="\${COMP_WORDS[i]}"
      if [[ -n $skip ]]; then skip=''; continue; fi
      if [[ $valued == *" $word "* ]]; then skip=1; continue; fi
      [[ $word == -* ]] || positionals=$((positionals + 1))
    done
    if ((positionals == 0)); then
      COMPREPLY=($(compgen -W "$actions" -- "$cur"))
      return 0
    fi
  fi
  return 0
}
complete -o default -F ${fn} ${table.program}
`;
}

/** Inside zsh single quotes. */
function zshQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function zshScript(table: CompletionTable): string {
  const fn = `_${functionName(table.program)}`;
  const described = table.commands.map(
    (command) => `    ${zshQuote(`${command.name}:${command.summary.replace(/:/g, '\\:')}`)}`,
  );
  const cases = table.commands.flatMap((command) => {
    const choiceCases = Object.entries(command.choices).map(
      ([option, values]) => `        (${option}) compadd -- ${values.join(' ')}; return ;;`,
    );
    const assignments = (
      [
        ['options', command.options],
        ['valued', command.valued],
        ['actions', command.actions],
      ] as const
    ).flatMap(([name, words]) => (words.length > 0 ? [`      ${name}=(${words.join(' ')})`] : []));
    if (assignments.length === 0) return [];
    return [
      [
        `    (${command.name})`,
        ...assignments,
        ...(choiceCases.length > 0 ? ['      case $prev in', ...choiceCases, '      esac'] : []),
        '      ;;',
      ].join('\n'),
    ];
  });
  return `#compdef ${table.program}
# zsh completion for ${table.program}. Load it in this shell (after compinit) with
#   source <(${table.program} completion zsh)
# or for every shell: save it as _${table.program} in a folder on $fpath.

${fn}() {
  local -a commands globals global_valued options valued actions
  commands=(
${described.join('\n')}
  )
  globals=(${table.globals.join(' ')})
  global_valued=(${table.globalValued.join(' ')})
  local i word cmd='' cmd_at=0 skip=''
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  for (( i = 2; i < CURRENT; i++ )); do
    word=\${words[i]}
    if [[ -n $skip ]]; then skip=''; continue; fi
    if (( \${global_valued[(Ie)$word]} )); then skip=1; continue; fi
    if [[ $word != -* ]]; then cmd=$word; cmd_at=$i; break; fi
  done
  if [[ -z $cmd ]]; then
    (( \${global_valued[(Ie)$prev]} )) && return 0
    if [[ $cur == -* ]]; then
      compadd -- $globals
    else
      _describe -t commands '${table.program} command' commands
    fi
    return
  fi
  case $cmd in
${cases.join('\n')}
  esac
  valued+=($global_valued)
  if (( \${valued[(Ie)$prev]} )); then _files; return; fi
  if [[ $cur == -* ]]; then
    compadd -- $options $globals
    return
  fi
  if (( \${#actions} )); then
    local positionals=0
    skip=''
    for (( i = cmd_at + 1; i < CURRENT; i++ )); do
      word=\${words[i]}
      if [[ -n $skip ]]; then skip=''; continue; fi
      if (( \${valued[(Ie)$word]} )); then skip=1; continue; fi
      [[ $word == -* ]] || (( positionals++ ))
    done
    if (( positionals == 0 )); then
      compadd -- $actions
      return
    fi
  fi
  _files
}

if [[ \${funcstack[1]} == _${table.program} ]]; then
  ${fn} "$@"
elif (( \${+functions[compdef]} )); then
  compdef ${fn} ${table.program}
else
  print -u2 '${table.program}: run compinit before loading its completion (autoload -Uz compinit && compinit).'
fi
`;
}

/** Inside fish single quotes. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(table: CompletionTable): string {
  const p = table.program;
  const fn = `__${functionName(p)}`;
  const lines: string[] = [];
  const option = (spelling: string): string =>
    spelling.startsWith('--') ? `-l ${spelling.slice(2)}` : `-s ${spelling.slice(1)}`;
  for (const spelling of table.globals) {
    const takesValue = table.globalValued.includes(spelling);
    lines.push(`complete -c ${p} ${option(spelling)}${takesValue ? ' -x' : ''}`);
  }
  for (const command of table.commands) {
    lines.push(
      `complete -c ${p} -n ${fn}_needs_command -f -a ${command.name} -d ${fishQuote(command.summary)}`,
    );
    const using = `'${fn}_using ${command.name}'`;
    for (const spelling of command.options) {
      const values = command.choices[spelling];
      const takesValue = command.valued.includes(spelling);
      lines.push(
        `complete -c ${p} -n ${using} ${option(spelling)}${
          values ? ` -x -a ${fishQuote(values.join(' '))}` : takesValue ? ' -r' : ''
        }`,
      );
    }
    if (command.actions.length > 0) {
      lines.push(
        `complete -c ${p} -n '${fn}_using ${command.name}; and ${fn}_needs_action' -f -a ${fishQuote(command.actions.join(' '))}`,
      );
    }
  }
  const valuedCases = table.commands
    .filter((command) => command.valued.length > 0)
    .map((command) => `        case ${command.name}\n            echo ${command.valued.join(' ')}`);
  return `# fish completion for ${p}. Load it in this shell with
#   ${p} completion fish | source
# or for every shell: ${p} completion fish > ~/.config/fish/completions/${p}.fish

# The words after the program: the command (skipping global options and their values) and what
# follows it.
function ${fn}_words
    set -l words (commandline -opc)
    set -e words[1]
    set -l global_valued ${table.globalValued.join(' ')}
    set -l skip 0
    for i in (seq (count $words))
        if test $skip = 1
            set skip 0
            continue
        end
        if contains -- $words[$i] $global_valued
            set skip 1
            continue
        end
        if not string match -q -- '-*' $words[$i]
            printf '%s\\n' $words[$i..-1]
            return 0
        end
    end
    return 1
end

function ${fn}_needs_command
    not ${fn}_words >/dev/null
end

function ${fn}_using
    set -l words (${fn}_words)
    test (count $words) -gt 0; and test "$words[1]" = "$argv[1]"
end

function ${fn}_valued
    switch $argv[1]
${valuedCases.join('\n')}
    end
    echo ${table.globalValued.join(' ')}
end

# True while no argument (other than options) follows the command: its action comes next.
function ${fn}_needs_action
    set -l words (${fn}_words)
    set -l valued (string split ' ' -- (${fn}_valued $words[1]))
    set -e words[1]
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if contains -- $word $valued
            set skip 1
            continue
        end
        string match -q -- '-*' $word; or return 1
    end
    return 0
end

${lines.join('\n')}
`;
}
