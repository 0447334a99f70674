using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>
/// How long a new action stays Pending, then InProgress (config file key <c>defender.machineActions</c>,
/// runtime <c>POST /_emulator/defender/machineactions/timing</c>). An action keeps the timing it was created with.
/// </summary>
public sealed class MachineActionTiming
{
    public double PendingSeconds { get; set; } = 1;
    public double InProgressSeconds { get; set; } = 2;

    public MachineActionTiming Validated() =>
        PendingSeconds >= 0 && InProgressSeconds >= 0 && double.IsFinite(PendingSeconds) && double.IsFinite(InProgressSeconds)
            ? this
            : throw new ArgumentException("'pendingSeconds' and 'inProgressSeconds' must be numbers of seconds, not negative.");
}

/// <summary>
/// Body of <c>POST /_emulator/defender/machineactions/faults</c>: the next <see cref="Count"/> actions created
/// that match (any type and machine unless named) end with <see cref="Outcome"/> instead of Succeeded.
/// </summary>
public sealed class MachineActionFault
{
    public string Outcome { get; set; }
    public string Type { get; set; }
    public string MachineId { get; set; }
    public int Count { get; set; } = 1;

    public MachineActionFault Validated()
    {
        Outcome = Outcome switch
        {
            _ when string.Equals(Outcome, MachineActionStatus.Failed, StringComparison.OrdinalIgnoreCase) => MachineActionStatus.Failed,
            _ when string.Equals(Outcome, MachineActionStatus.TimeOut, StringComparison.OrdinalIgnoreCase) => MachineActionStatus.TimeOut,
            _ => throw new ArgumentException("'outcome' must be Failed or TimeOut."),
        };
        if (Type != null)
            Type = MachineActionType.All.FirstOrDefault(t => string.Equals(t, Type, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown action type '{Type}'. Known: {string.Join(", ", MachineActionType.All)}.");
        if (Count < 1) throw new ArgumentException("'count' must be at least 1.");
        return this;
    }

    public bool Matches(string type, string machineId) =>
        (Type == null || Type == type) && (MachineId == null || string.Equals(MachineId, machineId, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What a caller asked for: validated, not yet checked against the machine's open actions.</summary>
public sealed record MachineActionRequest(string Type, string Scope, string Comment, Machine Machine, string Requestor, string Sha1 = null,
    LiveResponsePlan LiveResponse = null);

/// <summary>
/// Every tenant's machine actions, newest last, with the lifecycle timing and the outcome faults. One lock
/// makes the duplicate check and the insert (and a cancel and its status check) atomic.
/// </summary>
public sealed class MachineActionLog : Control.IControlResettable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, List<MachineAction>> _byTenant = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<MachineActionFault> _faults = new();
    private readonly MachineActionTiming _configured;
    private MachineActionTiming _timing;

    public MachineActionLog(MachineActionTiming configured)
    {
        _configured = configured.Validated();
        _timing = Copy(configured);
    }

    private static MachineActionTiming Copy(MachineActionTiming t) => new() { PendingSeconds = t.PendingSeconds, InProgressSeconds = t.InProgressSeconds };

    public MachineActionTiming Timing { get { lock (_lock) return Copy(_timing); } }

    /// <summary>Changes the timing of the actions created from now on; a value not given keeps the current one.</summary>
    public MachineActionTiming SetTiming(double? pendingSeconds, double? inProgressSeconds)
    {
        lock (_lock)
        {
            _timing = new MachineActionTiming
            {
                PendingSeconds = pendingSeconds ?? _timing.PendingSeconds,
                InProgressSeconds = inProgressSeconds ?? _timing.InProgressSeconds,
            }.Validated();
            return Copy(_timing);
        }
    }

    public IReadOnlyList<MachineActionFault> Faults { get { lock (_lock) return _faults.ToList(); } }

    public void AddFault(MachineActionFault fault)
    {
        fault.Validated();
        lock (_lock) _faults.Add(fault);
    }

    public void ClearFaults()
    {
        lock (_lock) _faults.Clear();
    }

    /// <summary>Back to the configured timing, without faults (the actions stay).</summary>
    public void ResetControls()
    {
        lock (_lock)
        {
            _faults.Clear();
            _timing = Copy(_configured);
        }
    }

    public MachineAction[] Snapshot(string tenantId)
    {
        lock (_lock) return _byTenant.TryGetValue(tenantId, out var list) ? list.ToArray() : Array.Empty<MachineAction>();
    }

    public MachineAction Get(string tenantId, string id)
    {
        lock (_lock)
            return _byTenant.TryGetValue(tenantId, out var list)
                ? list.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase))
                : null;
    }

    /// <summary>
    /// Stores a new action unless one of the same kind is still open on the machine (400: BadRequest, or
    /// ActiveRequestAlreadyExists for live response). The first matching fault decides a Failed or TimeOut end.
    /// </summary>
    public MachineAction Create(string tenantId, MachineActionRequest request, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_byTenant.TryGetValue(tenantId, out var list)) _byTenant[tenantId] = list = new List<MachineAction>();
            var open = list.Any(a => a.MachineId == request.Machine.Id && a.Type == request.Type && a.IsOpenAt(now));
            if (open && request.Type == MachineActionType.LiveResponse)
                throw new ApiError(400, "ActiveRequestAlreadyExists", $"A live response session is already active on machine {request.Machine.Id}.");
            if (open) throw ApiError.BadRequest("Action is already in progress");

            var fault = _faults.FirstOrDefault(f => f.Count > 0 && f.Matches(request.Type, request.Machine.Id));
            string outcome = null;
            if (fault != null)
            {
                outcome = fault.Outcome;
                if (--fault.Count == 0) _faults.Remove(fault);
            }
            var plan = request.LiveResponse is { } lr && outcome != null ? lr.EndingWith(outcome) : request.LiveResponse;
            var inProgressAt = now + TimeSpan.FromSeconds(_timing.PendingSeconds);
            var action = new MachineAction
            {
                Id = Guid.NewGuid().ToString(),
                TenantId = tenantId,
                Type = request.Type,
                Scope = request.Scope,
                Requestor = request.Requestor,
                RequestorComment = request.Comment,
                MachineId = request.Machine.Id,
                ComputerDnsName = request.Machine.ComputerDnsName,
                Title = MachineAction.TitleOf(request.Type),
                CreatedAt = now,
                InProgressAt = inProgressAt,
                EndAt = inProgressAt + TimeSpan.FromSeconds(_timing.InProgressSeconds),
                Outcome = outcome ?? plan?.Outcome ?? MachineActionStatus.Succeeded,
                Sha1 = request.Sha1,
                Commands = plan?.Commands ?? Array.Empty<LiveResponseCommand>(),
            };
            list.Add(action);
            return action;
        }
    }

    /// <summary>Cancels an open action (400 once it is final); null when the tenant has no such action.</summary>
    public MachineAction Cancel(string tenantId, string id, string requestor, string comment, DateTimeOffset now)
    {
        lock (_lock)
        {
            var action = Get(tenantId, id);
            if (action == null) return null;
            if (!action.IsOpenAt(now)) throw ApiError.BadRequest("Action is already in final state");
            action.Cancellation = new MachineActionCancellation(requestor, comment, now);
            return action;
        }
    }

    /// <summary>The machine's state after the actions on it that have succeeded by <paramref name="now"/>, in the order they ended.</summary>
    public MachineState StateOf(string tenantId, string machineId, DateTimeOffset now)
    {
        var state = MachineState.Initial;
        var succeeded = Snapshot(tenantId)
            .Where(a => a.MachineId == machineId && a.At(now).Status == MachineActionStatus.Succeeded)
            .OrderBy(a => a.EndAt);
        foreach (var a in succeeded)
        {
            state = a.Type switch
            {
                MachineActionType.Isolate => state with { Isolation = a.Scope },
                MachineActionType.Unisolate => state with { Isolation = null },
                MachineActionType.RestrictCodeExecution => state with { CodeExecutionRestricted = true },
                MachineActionType.UnrestrictCodeExecution => state with { CodeExecutionRestricted = false },
                MachineActionType.Offboard => state with { Offboarded = true },
                MachineActionType.RunAntiVirusScan => state with { LastScan = a.Scope },
                _ => state,
            };
        }
        return state;
    }
}
