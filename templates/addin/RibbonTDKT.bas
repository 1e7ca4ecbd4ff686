Attribute VB_Name = "RibbonTDKT"
' ASCII only: VBA stores module text in the project's ANSI code page (Vietnamese via ChrW).
' Ribbon callbacks of the TDKT tab (customUI.xml). Each one hands over to Python through
' xlwings' RunPython; the logic lives in addin.macros (tested headless on Linux).
Option Explicit

Private Function HasWorkbook() As Boolean
    ' RunPython reads ActiveWorkbook.FullName: with no workbook open it stops with error 91.
    ' WScript.Shell's Popup shows Unicode; MsgBox would turn Vietnamese letters into "?".
    If ActiveWorkbook Is Nothing Then
        WScript.Popup "H" & ChrW(227) & "y m" & ChrW(7903) & " m" & ChrW(7897) & "t b" & _
            ChrW(7843) & "ng t" & ChrW(237) & "nh tr" & ChrW(432) & ChrW(7899) & "c khi d" & _
            ChrW(249) & "ng th" & ChrW(7867) & " T" & ChrW(272) & "KT.", 0, "T" & ChrW(272) & "KT", 64
        HasWorkbook = False
    Else
        HasWorkbook = True
    End If
End Function

Sub KiemTra(control As IRibbonControl)
    If Not HasWorkbook() Then Exit Sub
    RunPython "import addin.macros; addin.macros.kiem_tra()"
End Sub

Sub LapTongHop(control As IRibbonControl)
    If Not HasWorkbook() Then Exit Sub
    RunPython "import addin.macros; addin.macros.lap_tong_hop()"
End Sub

Sub TongHopCum(control As IRibbonControl)
    If Not HasWorkbook() Then Exit Sub
    RunPython "import addin.macros; addin.macros.tong_hop_cum()"
End Sub

Sub XepHangCum(control As IRibbonControl)
    If Not HasWorkbook() Then Exit Sub
    RunPython "import addin.macros; addin.macros.xep_hang_cum()"
End Sub
