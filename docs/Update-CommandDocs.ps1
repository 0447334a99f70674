<#
.SYNOPSIS
    Writes and refreshes docs/commands/<cmdlet>.md from the built module's cmdlets.

.DESCRIPTION
    For a cmdlet without a page, writes a page in the platyPS layout whose SYNTAX and parameter
    blocks come from the cmdlet's metadata; its prose sections are left for a person to write (the
    help tests fail until they are). For an existing page, only the SYNTAX section and the yaml block
    of each parameter are replaced; everything written by hand stays. Run it through
    "dotnet pwsh ./build.ps1 docs".
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
$module = Import-Module $ModulePath -PassThru
$folder = Join-Path $PSScriptRoot 'commands'
New-Item -ItemType Directory -Force $folder | Out-Null
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'

function Get-TypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return Get-TypeName $Type.GetGenericArguments()[0] }
    $Type.Name
}

function Get-SyntaxSection($command) {
    $lines = foreach ($set in $command.ParameterSets) {
        $title = if ($set.Name -eq '__AllParameterSets') { 'Default' } else { $set.Name }
        if ($set.IsDefault -and $command.ParameterSets.Count -gt 1) { $title += ' (Default)' }
        "### $title", '```', "$($command.Name) $set", '```', ''
    }
    "## SYNTAX`n`n" + ($lines -join "`n")
}

function Get-ParameterYaml($command, [string] $name) {
    $parameter = $command.Parameters[$name]
    $sets = @($parameter.ParameterSets.Keys)
    $setText = if ($sets -contains '__AllParameterSets') { '(All)' } else { ($sets | Sort-Object) -join ', ' }
    $attributes = @($parameter.ParameterSets.Values)
    $required = @($attributes | ForEach-Object IsMandatory | Sort-Object -Unique)
    $requiredText = if ($required.Count -gt 1) { (($parameter.ParameterSets.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Value.IsMandatory) ($($_.Key))" }) -join ', ') } else { "$($required[0])" }
    $position = ($attributes | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
    $pipeline = @()
    if ($attributes | Where-Object ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    if ($attributes | Where-Object ValueFromPipeline) { $pipeline += 'ByValue' }
    $wildcards = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    @(
        '```yaml'
        "Type: $(Get-TypeName $parameter.ParameterType)"
        "Parameter Sets: $setText"
        "Aliases: $($parameter.Aliases -join ', ')"
        ''
        "Required: $requiredText"
        "Position: $(if ($null -ne $position) { $position } else { 'Named' })"
        'Default value: None'
        "Accept pipeline input: $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' })"
        "Accept wildcard characters: $wildcards"
        '```'
    ) -join "`n"
}

foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $path = Join-Path $folder "$($command.Name).md"
    $parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $common })
    if (-not (Test-Path $path)) {
        $text = @(
            '---'
            'external help file: GraphSecurity.dll-Help.xml'
            'Module Name: GraphSecurity'
            'online version:'
            'schema: 2.0.0'
            '---'
            ''
            "# $($command.Name)"
            ''
            '## SYNOPSIS'
            ''
            ''
            (Get-SyntaxSection $command)
            '## DESCRIPTION'
            ''
            ''
            '## EXAMPLES'
            ''
            '## PARAMETERS'
            ''
            foreach ($name in $parameters) { "### -$name"; ''; ''; ''; (Get-ParameterYaml $command $name); '' }
            '### CommonParameters'
            'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).'
            ''
            '## INPUTS'
            ''
            '## OUTPUTS'
            ''
            foreach ($type in $command.OutputType) { "### $($type.Name)"; '' }
            '## NOTES'
            ''
            '## RELATED LINKS'
            ''
        ) -join "`n"
        Set-Content -Path $path -Value $text -NoNewline
        Write-Host "New page: $path"
        continue
    }

    $text = Get-Content -Raw $path
    $text = [regex]::Replace($text, '(?s)## SYNTAX\s.*?(?=## DESCRIPTION)', { param($m) (Get-SyntaxSection $command).TrimEnd() + "`n`n" })
    foreach ($name in $parameters) {
        $pattern = "(?s)(### -$([regex]::Escape($name))\s*\n.*?)``````yaml.*?``````"
        if ($text -match $pattern) {
            $yaml = Get-ParameterYaml $command $name
            $text = [regex]::Replace($text, $pattern, { param($m) $m.Groups[1].Value + $yaml })
        }
        else { Write-Warning "$($command.Name): -$name has no section in $path" }
    }
    Set-Content -Path $path -Value $text -NoNewline
}
